package org.appealdesk.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.appealdesk.platform.PhoneVault;

/** Where the phone-number key comes from: the environment, or for the demo a file it makes once. */
final class PhoneKeys {

    private PhoneKeys() {
    }

    static PhoneVault fromEnvironment(String variable) {
        String key = System.getenv(variable);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(variable + " is not set: it must hold the base64 32-byte key that encrypts phone numbers"
                    + " (make one with: head -c 32 /dev/urandom | base64)");
        }
        return PhoneVault.fromBase64Key(key);
    }

    /** The environment's key when set, else data/phone.key, created (owner-only) on first use. */
    static PhoneVault forDemo(String variable, Path dataDirectory) {
        String key = System.getenv(variable);
        if (key != null && !key.isBlank()) {
            return PhoneVault.fromBase64Key(key);
        }
        Path file = dataDirectory.resolve("phone.key");
        try {
            Files.createDirectories(dataDirectory);
            if (!Files.exists(file)) {
                Files.writeString(file, PhoneVault.newBase64Key() + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return PhoneVault.fromBase64Key(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
