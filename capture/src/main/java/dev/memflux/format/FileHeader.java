package dev.memflux.format;

/**
 * A capture file's header as read: who was profiled ({@code capture}), the file format
 * version it was written in (framing differs between versions) and how many bytes it
 * took, so the reader knows where the first block starts.
 */
public record FileHeader(CaptureHeader capture, int version, long length) {
    /** The bytes of one block frame in this file's version. */
    public int blockFrameBytes() {
        return version == 1 ? CaptureFileFormat.V1_BLOCK_FRAME_BYTES : CaptureFileFormat.BLOCK_FRAME_BYTES;
    }
}
