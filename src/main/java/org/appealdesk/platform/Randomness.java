package org.appealdesk.platform;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** The platform's one source of unguessable bytes: nonces, tokens, request ids. */
final class Randomness {

    private Randomness() {
    }

    /**
     * A NIST SP 800-90A DRBG (256-bit strength, prediction resistance off), seeded by the JDK from
     * the operating system. The default SecureRandom on Linux (NativePRNG) reads /dev/urandom under
     * a global lock on every call; the DRBG does that only when it reseeds.
     */
    static SecureRandom strong() {
        try {
            return SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG in this JVM", e);
        }
    }
}
