package org.appealdesk.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts phone numbers at rest (AES-256-GCM, random 96-bit nonce per value) and derives a keyed
 * hash (HMAC-SHA-256) so a number can be found and de-duplicated without decrypting every row.
 *
 * <p>One 32-byte master key, given base64-encoded, feeds two sub-keys derived with HMAC so the
 * encryption key and the lookup key are never the same bytes. The key comes from the environment;
 * losing it makes stored numbers unreadable but leaves money records intact (they hold only the hash).
 */
public final class PhoneVault {

    public static final String KEY_ENVIRONMENT_VARIABLE = "APPEALDESK_PHONE_KEY";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec encryptionKey;
    private final byte[] hashKey;
    private final SecureRandom random = Randomness.strong();
    /*
     * Ready Cipher and Mac objects, reused: getInstance and init per call were 14% of the intake
     * writer's CPU in a profile (a new donor's number is encrypted and hashed in the writer). A
     * pool rather than a ThreadLocal, because callers include short-lived virtual threads.
     */
    private final Queue<Cipher> ciphers = new ConcurrentLinkedQueue<>();
    private final Queue<Mac> hashMacs = new ConcurrentLinkedQueue<>();

    private PhoneVault(byte[] masterKey) {
        this.encryptionKey = new SecretKeySpec(derive(masterKey, "appealdesk phone encryption"), "AES");
        this.hashKey = derive(masterKey, "appealdesk phone lookup hash");
    }

    /**
     * @throws IllegalArgumentException naming the problem (never the key) when the text is not a
     *                                  base64 encoding of exactly 32 bytes
     */
    public static PhoneVault fromBase64Key(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalArgumentException(KEY_ENVIRONMENT_VARIABLE + " is not set: it must hold a base64-encoded 32-byte key");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_ENVIRONMENT_VARIABLE + " is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(KEY_ENVIRONMENT_VARIABLE + " must decode to 32 bytes, got " + key.length);
        }
        return new PhoneVault(key);
    }

    /** A fresh random key in the form {@link #fromBase64Key} takes. */
    public static String newBase64Key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** nonce || ciphertext+tag. */
    public byte[] encrypt(PhoneNumber number) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = cipher();
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(number.digits().getBytes(StandardCharsets.US_ASCII));
            ciphers.offer(cipher);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
        }
    }

    /** @throws IllegalArgumentException when the value was not sealed with this key or was altered */
    public PhoneNumber decrypt(byte[] sealedValue) {
        if (sealedValue == null || sealedValue.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("encrypted phone number is too short");
        }
        try {
            Cipher cipher = cipher();
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, sealedValue, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(sealedValue, NONCE_BYTES, sealedValue.length - NONCE_BYTES);
            // Back to the pool only after a clean finish; a cipher that threw is dropped.
            ciphers.offer(cipher);
            return new PhoneNumber(new String(plain, StandardCharsets.US_ASCII));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("encrypted phone number does not open with this key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
        }
    }

    /** Stable keyed hash: equal numbers give equal hashes under one key; useless without the key. */
    public byte[] hash(PhoneNumber number) {
        Mac mac = hashMacs.poll();
        if (mac == null) {
            mac = hmacWithKey(hashKey);
        }
        byte[] hash = mac.doFinal(number.digits().getBytes(StandardCharsets.US_ASCII)); // doFinal resets it for reuse
        hashMacs.offer(mac);
        return hash;
    }

    private Cipher cipher() throws GeneralSecurityException {
        Cipher cipher = ciphers.poll();
        return cipher != null ? cipher : Cipher.getInstance("AES/GCM/NoPadding");
    }

    private static byte[] derive(byte[] masterKey, String purpose) {
        return hmac(masterKey, purpose.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return hmacWithKey(key).doFinal(data);
    }

    private static Mac hmacWithKey(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
        }
    }
}
