package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.symbolize.NativeFrame;
import java.util.Arrays;

/**
 * The stack trie and frame table of one capture, built from its NODE and FRAME records.
 * Node {@code n}'s caller is {@code parent(n)}; node 0 is the empty stack. Frame ids and
 * node ids are dense, so plain arrays index them. A node's parent is always a node defined
 * before it (the decoder refuses anything else), so every walk up a stack ends at node 0.
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
    private int nativeNodes = 1;
    private int[] nativeParent = new int[1024];
    private long[] nativeIp = new long[1024];
    private final java.util.Map<Long, java.util.List<NativeFrame>> symbols = new java.util.HashMap<>();

    /** Takes in the NODE, FRAME, NATIVE_NODE or SYMBOL record at {@code i}; others are ignored. */
    public void accept(EventBatch batch, int i) {
        byte tag = batch.tag(i);
        if (tag == RecordTag.NATIVE_NODE) {
            if (nativeNodes == nativeParent.length) {
                nativeParent = Arrays.copyOf(nativeParent, nativeNodes * 2);
                nativeIp = Arrays.copyOf(nativeIp, nativeNodes * 2);
            }
            int parentNode = batch.nativeNodeParent(i);
            if (parentNode < 0 || parentNode >= nativeNodes) {
                throw new IllegalArgumentException("native node " + nativeNodes + "'s parent " + parentNode
                        + " is not defined before it");
            }
            nativeParent[nativeNodes] = parentNode;
            nativeIp[nativeNodes] = batch.nativeNodeIp(i);
            nativeNodes++;
            return;
        }
        if (tag == RecordTag.SYMBOL) {
            int frames = batch.symbolFrames(i);
            java.util.List<NativeFrame> list = new java.util.ArrayList<>(frames);
            for (int f = 0; f < frames; f++) {
                list.add(new NativeFrame(batch.symbolFunction(i, f), batch.symbolFile(i, f),
                        batch.symbolLine(i, f), batch.symbolInlined(i, f)));
            }
            symbols.put(batch.symbolIp(i), list);
            return;
        }
        if (tag == RecordTag.NODE) {
            if (nodes == parent.length) {
                int grown = nodes * 2;
                parent = Arrays.copyOf(parent, grown);
                frame = Arrays.copyOf(frame, grown);
                line = Arrays.copyOf(line, grown);
            }
            int parentNode = batch.nodeParent(i);
            int frameId = batch.nodeFrame(i);
            if (parentNode < 0 || parentNode >= nodes) {
                throw new IllegalArgumentException("node " + nodes + "'s parent " + parentNode + " is not defined before it");
            }
            parent[nodes] = parentNode;
            frame[nodes] = frameId;
            line[nodes] = batch.nodeLine(i);
            nodes++;
        } else if (tag == RecordTag.FRAME) {
            if (frames == function.length) {
                int grown = frames * 2;
                function = Arrays.copyOf(function, grown);
                file = Arrays.copyOf(file, grown);
                firstLine = Arrays.copyOf(firstLine, grown);
            }
            function[frames] = batch.frameFunction(i);
            file[frames] = batch.frameFile(i);
            firstLine[frames] = batch.frameFirstLine(i);
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

    /** The line a frame's code starts at (a function's {@code def}). */
    public int firstLine(int frameId) {
        return firstLine[frameId];
    }

    public int frameCount() {
        return frames;
    }

    /** Native node ids run from 1 to {@code nativeNodeCount() - 1}; 0 is no native stack. */
    public int nativeNodeCount() {
        return nativeNodes;
    }

    public int nativeParent(int nativeNode) {
        return nativeParent[nativeNode];
    }

    public long nativeIp(int nativeNode) {
        return nativeIp[nativeNode];
    }

    /** What the capture resolved an instruction pointer to, innermost first; null if never resolved. */
    public java.util.List<NativeFrame> symbol(long ip) {
        return symbols.get(ip);
    }

    /** Whether {@code node} names a defined stack node (0, the empty stack, included). */
    public boolean isNode(int node) {
        return node >= 0 && node < nodes;
    }
}
