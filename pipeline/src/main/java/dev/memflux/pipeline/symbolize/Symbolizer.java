package dev.memflux.pipeline.symbolize;

import java.util.List;

/** Turns an address inside a module into frames, innermost first; never empty. */
public interface Symbolizer extends AutoCloseable {
    /**
     * @param pc an address inside the instruction being run (for a return address, the
     *     caller passes the address minus one, so the call's own line is found)
     */
    List<NativeFrame> resolve(Module module, long pc);

    /** What resolves names, for people ("libdw", "ELF symbol tables"). */
    String name();

    @Override
    void close();

    /** The frame reports show for an address nothing could name. */
    static NativeFrame unknown(Module module, long pc) {
        String where = module == null ? "?" : module.path();
        long offset = module == null ? pc : pc - module.bias();
        return new NativeFrame(String.format("0x%x", offset), where, 0, false);
    }
}
