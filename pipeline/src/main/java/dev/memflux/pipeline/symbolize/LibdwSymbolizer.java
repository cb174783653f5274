package dev.memflux.pipeline.symbolize;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Names, source lines and inlined frames from DWARF, through elfutils' libdw (dwfl's
 * offline mode: each module is reported from its file on disk at its load bias).
 *
 * <p>An address in inlined code yields one frame per inlined function, innermost first:
 * the innermost takes the line table's file:line, each outer one the call site
 * (DW_AT_call_file, DW_AT_call_line) of the inlined function below it. The innermost
 * function comes from the scopes containing the address (dwarf_getscopes); its callers
 * from the concrete parents of that inlined instance (dwarf_getscopes_die), because the
 * former continue into the inlined function's abstract definition instead.
 *
 * <p>Called from the pipeline thread only (libdw handles are not thread-safe); the
 * caller caches per address, because libdw can take hundreds of microseconds on one.
 */
public final class LibdwSymbolizer implements Symbolizer {
    private static final int DW_TAG_INLINED_SUBROUTINE = 0x1d;
    private static final int DW_TAG_SUBPROGRAM = 0x2e;
    private static final int DW_AT_CALL_FILE = 0x58;
    private static final int DW_AT_CALL_LINE = 0x59;
    private static final int DIE_SIZE = 32;

    /** The libdw functions memflux calls. */
    interface Dw extends Library {
        Pointer dwfl_begin(Pointer callbacks);

        void dwfl_end(Pointer dwfl);

        void dwfl_report_begin_add(Pointer dwfl);

        Pointer dwfl_report_elf(Pointer dwfl, String name, String fileName, int fd, long base, boolean addPVaddr);

        int dwfl_report_end(Pointer dwfl, Pointer removed, Pointer arg);

        Pointer dwfl_addrmodule(Pointer dwfl, long address);

        String dwfl_module_addrname(Pointer module, long address);

        Pointer dwfl_module_getsrc(Pointer module, long address);

        String dwfl_lineinfo(Pointer line, LongByReference address, IntByReference lineNumber, IntByReference column,
                             LongByReference mtime, LongByReference length);

        Pointer dwfl_module_addrdie(Pointer module, long address, LongByReference bias);

        int dwarf_getscopes(Pointer cuDie, long pc, PointerByReference scopes);

        int dwarf_getscopes_die(Pointer die, PointerByReference scopes);

        int dwarf_tag(Pointer die);

        String dwarf_diename(Pointer die);

        Pointer dwarf_attr_integrate(Pointer die, int name, Pointer attribute);

        int dwarf_formudata(Pointer attribute, LongByReference value);

        int dwarf_getsrcfiles(Pointer cuDie, PointerByReference files, LongByReference count);

        String dwarf_filesrc(Pointer files, long index, LongByReference mtime, LongByReference length);
    }

    private final Dw dw;
    private final Pointer dwfl;
    private final Memory callbacks;
    private final Memory attribute = new Memory(64);
    private final Set<Module> reported = new HashSet<>();

    private LibdwSymbolizer(Dw dw, NativeLibrary library) {
        this.dw = dw;
        callbacks = new Memory(4 * Native.POINTER_SIZE);
        callbacks.clear();
        callbacks.setPointer(0, library.getFunction("dwfl_build_id_find_elf"));
        callbacks.setPointer(Native.POINTER_SIZE, library.getFunction("dwfl_standard_find_debuginfo"));
        callbacks.setPointer(2L * Native.POINTER_SIZE, library.getFunction("dwfl_offline_section_address"));
        dwfl = dw.dwfl_begin(callbacks);
        if (dwfl == null) {
            throw new IllegalStateException("dwfl_begin failed");
        }
    }

    /** libdw, or an exception saying why it cannot be used here. */
    public static LibdwSymbolizer load() {
        NativeLibrary library = NativeLibrary.getInstance("dw");
        Dw dw = Native.load("dw", Dw.class);
        return new LibdwSymbolizer(dw, library);
    }

    @Override
    public String name() {
        return "libdw";
    }

    private boolean report(Module module) {
        if (reported.contains(module)) {
            return true;
        }
        reported.add(module);
        dw.dwfl_report_begin_add(dwfl);
        Pointer m = dw.dwfl_report_elf(dwfl, module.path(), module.path(), -1, module.bias(), false);
        dw.dwfl_report_end(dwfl, null, null);
        return m != null;
    }

    @Override
    public List<NativeFrame> resolve(Module module, long pc) {
        if (module == null || !report(module)) {
            return List.of(Symbolizer.unknown(module, pc));
        }
        Pointer mod = dw.dwfl_addrmodule(dwfl, pc);
        if (mod == null) {
            return List.of(Symbolizer.unknown(module, pc));
        }
        String file = null;
        int line = 0;
        Pointer src = dw.dwfl_module_getsrc(mod, pc);
        if (src != null) {
            IntByReference lineNumber = new IntByReference();
            file = dw.dwfl_lineinfo(src, new LongByReference(), lineNumber, new IntByReference(), null, null);
            line = lineNumber.getValue();
        }
        List<NativeFrame> frames = new ArrayList<>(2);
        LongByReference bias = new LongByReference();
        Pointer cu = dw.dwfl_module_addrdie(mod, pc, bias);
        if (cu != null) {
            PointerByReference scopes = new PointerByReference();
            int n = dw.dwarf_getscopes(cu, pc - bias.getValue(), scopes);
            Pointer array = scopes.getValue();
            try {
                for (int i = 0; i < n; i++) {
                    Pointer die = array.share((long) i * DIE_SIZE);
                    int tag = dw.dwarf_tag(die);
                    if (tag == DW_TAG_SUBPROGRAM) {
                        frames.add(new NativeFrame(name(die, mod, pc), orUnknown(file, module), line, false));
                        break;
                    }
                    if (tag == DW_TAG_INLINED_SUBROUTINE) {
                        frames.add(new NativeFrame(name(die, mod, pc), orUnknown(file, module), line, true));
                        callers(cu, die, mod, pc, module, frames);
                        break;
                    }
                }
            } finally {
                free(array);
            }
        }
        if (frames.isEmpty()) {
            String symbol = dw.dwfl_module_addrname(mod, pc);
            if (symbol == null) {
                return List.of(Symbolizer.unknown(module, pc));
            }
            frames.add(new NativeFrame(symbol, orUnknown(file, module), line, false));
        }
        return frames;
    }

    /** The functions an inlined instance sits in, each at the call site of the one inside it. */
    private void callers(Pointer cu, Pointer inlined, Pointer mod, long pc, Module module, List<NativeFrame> frames) {
        PointerByReference scopes = new PointerByReference();
        int n = dw.dwarf_getscopes_die(inlined, scopes);
        Pointer array = scopes.getValue();
        try {
            String file = callFile(cu, inlined);
            int line = (int) udata(inlined, DW_AT_CALL_LINE);
            for (int i = 1; i < n; i++) {
                Pointer die = array.share((long) i * DIE_SIZE);
                int tag = dw.dwarf_tag(die);
                if (tag != DW_TAG_INLINED_SUBROUTINE && tag != DW_TAG_SUBPROGRAM) {
                    continue;
                }
                frames.add(new NativeFrame(name(die, mod, pc), orUnknown(file, module), line,
                        tag == DW_TAG_INLINED_SUBROUTINE));
                if (tag == DW_TAG_SUBPROGRAM) {
                    break;
                }
                file = callFile(cu, die);
                line = (int) udata(die, DW_AT_CALL_LINE);
            }
        } finally {
            free(array);
        }
    }

    private static void free(Pointer p) {
        if (p != null) {
            Native.free(Pointer.nativeValue(p));
        }
    }

    private String name(Pointer die, Pointer mod, long pc) {
        String name = dw.dwarf_diename(die);
        if (name == null) {
            name = dw.dwfl_module_addrname(mod, pc);
        }
        return name != null ? name : String.format("0x%x", pc);
    }

    private long udata(Pointer die, int attributeName) {
        if (dw.dwarf_attr_integrate(die, attributeName, attribute) == null) {
            return 0;
        }
        LongByReference value = new LongByReference();
        return dw.dwarf_formudata(attribute, value) == 0 ? value.getValue() : 0;
    }

    private String callFile(Pointer cu, Pointer die) {
        long index = udata(die, DW_AT_CALL_FILE);
        PointerByReference files = new PointerByReference();
        LongByReference count = new LongByReference();
        if (dw.dwarf_getsrcfiles(cu, files, count) != 0 || index >= count.getValue()) {
            return null;
        }
        return dw.dwarf_filesrc(files.getValue(), index, null, null);
    }

    private static String orUnknown(String file, Module module) {
        return file != null ? file : module.path();
    }

    @Override
    public void close() {
        dw.dwfl_end(dwfl);
    }
}
