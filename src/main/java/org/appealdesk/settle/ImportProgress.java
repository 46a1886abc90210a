package org.appealdesk.settle;

/** Told how an import is getting on; the command line draws it (a bar on a terminal, lines otherwise). */
public interface ImportProgress {

    /** While the file is read: called every few tens of thousands of lines and once at the end. */
    void reading(long bytesRead, long bytesTotal, long linesRead);

    /** A step after reading starts ("matching", "booking"). */
    void phase(String description);

    ImportProgress SILENT = new ImportProgress() {
        @Override
        public void reading(long bytesRead, long bytesTotal, long linesRead) {
        }

        @Override
        public void phase(String description) {
        }
    };
}
