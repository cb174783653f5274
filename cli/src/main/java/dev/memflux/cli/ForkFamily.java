package dev.memflux.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The captures of one --follow-fork run: the parent's file and each {@code <file>.<pid>} beside it. */
final class ForkFamily {
    private ForkFamily() {}

    /** {@code parent} first, then its children's files by pid. */
    static List<Path> of(Path parent) throws IOException {
        List<Path> files = new ArrayList<>(List.of(parent));
        Path dir = parent.toAbsolutePath().getParent();
        String prefix = parent.getFileName() + ".";
        if (dir == null || !Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> siblings = Files.list(dir)) {
            siblings.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(prefix) && name.length() > prefix.length()
                        && name.substring(prefix.length()).chars().allMatch(Character::isDigit);
            }).sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(prefix.length()))))
                    .map(p -> parent.resolveSibling(p.getFileName())).forEach(files::add);
        }
        return files;
    }
}
