package dev.memflux.cli;

import picocli.CommandLine;

/** The version memflux reports and writes into capture files. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"memflux " + VERSION};
    }
}
