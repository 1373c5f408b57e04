package org.opencrm.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA key tokens are signed with. Its {@code kid} is the RFC 7638 thumbprint, which is also what the
 * services give a configured public key, so a token validates the same way against the JWK set and the PEM.
 */
final class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    private SigningKey() {}

    static RSAKey load(Path pem) {
        try {
            if (pem == null || pem.toString().isBlank()) {
                log.warn("crm.identity.signing-key is not set: signing with a key made now; tokens issued before a"
                        + " restart will no longer validate");
                return new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
            }
            String base64 = Files.readString(pem)
                    .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
                    .replaceAll("\\s", "");
            var factory = KeyFactory.getInstance("RSA");
            var privateKey = (RSAPrivateCrtKey) factory.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            var publicKey = (RSAPublicKey) factory.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new RSAKey.Builder(publicKey)
                    .privateKey(privateKey)
                    .keyIDFromThumbprint()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read crm.identity.signing-key " + pem, e);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException | JOSEException e) {
            throw new IllegalStateException(
                    "crm.identity.signing-key " + pem + " is not a PEM PKCS#8 RSA private key (BEGIN PRIVATE KEY)", e);
        }
    }
}
