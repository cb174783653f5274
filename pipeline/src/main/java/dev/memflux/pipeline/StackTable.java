package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;

/**
 * The stack trie and frame table of one capture, built from its NODE and FRAME records.
 * Node {@code n}'s caller is {@code parent(n)}; node 0 is the empty stack. Frame ids and
 * node ids are dense, so plain arrays index them.
 */
public final class StackTable {
    private int nodes = 1;
    private int[] parent = new int[1024];
    private int[] frame = new int[1024];
    private int[] line = new int[1024];
    private int frames = 1;
    private String[] function = new String[256];
    private String[] file = new String[256];
    private int[] firstLine = new int[256];

    /** Takes in the NODE or FRAME record at {@code i}; other records are ignored. */
    public void accept(EventBatch batch, int i) {
        byte tag = batch.tag[i];
        if (tag == RecordTag.NODE) {
            if (nodes == parent.length) {
                int grown = nodes * 2;
                parent = Arrays.copyOf(parent, grown);
                frame = Arrays.copyOf(frame, grown);
                line = Arrays.copyOf(line, grown);
            }
            parent[nodes] = (int) batch.address[i];
            frame[nodes] = batch.stack[i];
            line[nodes] = (int) batch.size[i];
            nodes++;
        } else if (tag == RecordTag.FRAME) {
            if (frames == function.length) {
                int grown = frames * 2;
                function = Arrays.copyOf(function, grown);
                file = Arrays.copyOf(file, grown);
                firstLine = Arrays.copyOf(firstLine, grown);
            }
            function[frames] = batch.text[batch.stack[i]];
            file[frames] = batch.text[batch.stack[i] + 1];
            firstLine[frames] = (int) batch.size[i];
            frames++;
        }
    }

    /** Node ids run from 1 to {@code nodeCount() - 1}. */
    public int nodeCount() {
        return nodes;
    }

    public int parent(int node) {
        return parent[node];
    }

    public int frame(int node) {
        return frame[node];
    }

    public int line(int node) {
        return line[node];
    }

    public String function(int frameId) {
        return function[frameId];
    }

    public String file(int frameId) {
        return file[frameId];
    }

    public int frameCount() {
        return frames;
    }

    /** Whether {@code node} names a defined stack node (0, the empty stack, included). */
    public boolean isNode(int node) {
        return node >= 0 && node < nodes;
    }
}
