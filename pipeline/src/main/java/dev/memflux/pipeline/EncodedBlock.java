package dev.memflux.pipeline;

/**
 * One block of the capture file, ready to write: {@code storedLength} bytes of
 * {@code stored} (lz4-compressed or raw), holding {@code rawLength} bytes of whole
 * records, the {@code sequence}-th block of its file (from 0), whose checksum is
 * {@code checksum} (docs/FORMAT.md). Reused: valid only during {@code onNext}.
 */
public final class EncodedBlock {
    public int sequence;
    public byte[] stored = new byte[0];
    public int storedLength;
    public int rawLength;
    public int checksum;
}
