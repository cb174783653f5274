package dev.memflux.pipeline;

/**
 * One block of the capture file, ready to write: {@code storedLength} bytes of
 * {@code stored} (lz4-compressed or raw), holding {@code rawLength} bytes of whole
 * records whose CRC32C is {@code checksum}. Reused: valid only during {@code onNext}.
 */
public final class EncodedBlock {
    public byte[] stored = new byte[0];
    public int storedLength;
    public int rawLength;
    public int checksum;
}
