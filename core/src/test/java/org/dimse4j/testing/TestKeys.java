package org.dimse4j.testing;

import org.dimse4j.ul.TlsContexts;
import org.dimse4j.ul.TlsSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys and certificates for TLS tests, made at test time with the JDK's keytool: for each name an EC P-256 key with a
 * self-signed certificate for 127.0.0.1 and localhost, valid two days, in {@code NAME.p12} (PKCS#12, password
 * {@link #PASSWORD}) and {@code NAME.pem} (the certificate).
 */
public final class TestKeys
{
    /** Password of the key stores and their keys. */
    public static final char[] PASSWORD = "changeit".toCharArray();

    private TestKeys()
    {
    }

    /**
     * @param dir   where the files go.
     * @param names one key pair each.
     * @throws Exception if keytool fails.
     */
    public static void make(final Path dir, final String... names) throws Exception
    {
        for (final String who : names)
        {
            keytool("-genkeypair", "-alias", who, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + who + ",O=dimse4j test", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", dir.resolve(who + ".p12").toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
            keytool("-exportcert", "-rfc", "-alias", who, "-keystore", dir.resolve(who + ".p12").toString(),
                "-storepass", new String(PASSWORD), "-file", dir.resolve(who + ".pem").toString());
        }
    }

    /**
     * @param dir     where {@link #make} put the files.
     * @param who     whose key we hold, or null for none.
     * @param trusted whose certificates we trust.
     * @return TLS settings (at their defaults otherwise).
     * @throws IOException if a file cannot be read.
     */
    public static TlsSettings tls(final Path dir, final String who, final String... trusted) throws IOException
    {
        final KeyStore keys = who == null ? null : TlsContexts.pkcs12(dir.resolve(who + ".p12"), PASSWORD);
        final List<X509Certificate> certificates = new ArrayList<>();
        for (final String peer : trusted)
        {
            certificates.addAll(TlsContexts.readCertificates(dir.resolve(peer + ".pem")));
        }
        return TlsSettings.of(TlsContexts.context(keys, PASSWORD, certificates));
    }

    private static void keytool(final String... args) throws Exception
    {
        final String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, process.exitValue(), "keytool " + String.join(" ", args) + ": " + output);
    }
}
