package dev.memflux.format;

/**
 * Who was profiled and how: the agent's HELLO record, stored as the capture file's header.
 *
 * @param startMillis wall clock (epoch ms) when tracking started; TIME records count from here
 */
public record CaptureHeader(long pid, long ppid, long startMillis, int flags,
                            String pythonVersion, String commandLine, String memfluxVersion) {

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public CaptureHeader withFlags(int newFlags) {
        return new CaptureHeader(pid, ppid, startMillis, newFlags, pythonVersion, commandLine, memfluxVersion);
    }
}
