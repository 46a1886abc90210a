package org.appealdesk.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Clean-up of the directories tests create under the system temp folder. */
public final class TempDirectories {

    private TempDirectories() {
    }

    /** Deletes a directory and everything in it; one left behind is not worth failing a test over. */
    public static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("temporary directory " + directory + " not deleted: " + e);
        }
    }
}
