package org.dimse4j.interop;

import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * TLS interoperability with DCMTK 3.6 ({@code +tls KEY CERT}, {@code +cf CA}, OpenSSL underneath) through our CLI
 * tools. A CA, a second (untrusted) CA, and server and client keys and certificates are made at test time with
 * {@code openssl} (RSA 2048, unencrypted PKCS#8 PEM keys, as DCMTK takes them). Configured protocols and cipher
 * suites ({@code --tls-protocols}, {@code +cs}) are checked against the session DCMTK reports ({@code -d}), with
 * DCMTK's own {@code +cs} on the other side. Loopback only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class TlsInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    @TempDir
    static Path pki;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeCertificates() throws Exception
    {
        makeCa("ca");
        makeCa("otherca");
        final Path ext = pki.resolve("leaf.ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" +
            "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
        for (final String who : List.of("server", "client"))
        {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file(who + ".key"), "-out", file(who + ".csr"),
                "-subj", "/CN=" + who + "/O=dimse4j test");
            openssl("x509", "-req", "-in", file(who + ".csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-days", "2", "-out", file(who + ".pem"), "-extfile", ext.toString());
        }
        openssl("pkcs12", "-export", "-inkey", file("server.key"), "-in", file("server.pem"), "-name", "server",
            "-out", file("server.p12"), "-passout", "pass:secret");
        assertTrue(Files.readString(pki.resolve("server.key")).contains("BEGIN PRIVATE KEY"), "PKCS#8 PEM key");
    }

    private static void makeCa(final String name) throws Exception
    {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file(name + ".key"), "-out",
            file(name + ".pem"), "-days", "2", "-subj", "/CN=dimse4j test " + name,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static String file(final String name)
    {
        return pki.resolve(name).toString();
    }

    private static void openssl(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    }

    /** Our echoscp with TLS (client certificates required, as DCMTK's default), on a fresh port. */
    private static OurTool.Server ourEchoscp(final String... tls)
    {
        final int port = Dcmtk.freePort();
        final List<String> args = new ArrayList<>(List.of("echoscp", "--bind", HOST, "-ta", "5"));
        args.addAll(List.of(tls));
        args.add(String.valueOf(port));
        return OurTool.Server.start(port, args.toArray(new String[0]));
    }

    private static Dcmtk.Run dcmtkEchoscu(final int port, final String... tls)
    {
        final List<String> args = new ArrayList<>(List.of(tls));
        args.addAll(List.of("-aec", "ECHOSCP", "-to", "5", "-ta", "5", HOST, String.valueOf(port)));
        return DCMTK.run("echoscu", args.toArray(new String[0]));
    }

    private static String[] dcmtkClientTls()
    {
        return new String[] {"+tls", file("client.key"), file("client.pem"), "+cf", file("ca.pem")};
    }

    private static String[] ourServerTls()
    {
        return new String[] {"+tls", file("server.key"), file("server.pem"), "+cf", file("ca.pem")};
    }

    @Test
    void dcmtkEchoscuWithTlsToOurEchoscpWithMutualAuthentication()
    {
        try (OurTool.Server scp = ourEchoscp(ourServerTls()))
        {
            final Dcmtk.Run echoscu = dcmtkEchoscu(scp.port, concat(dcmtkClientTls(), "--repeat", "3", "-v"));
            assertEquals(0, echoscu.exitCode(), "DCMTK echoscu +tls:\n" + echoscu.output());
            assertTrue(scp.isAlive());
        }
    }

    @Test
    void ourEchoscpFromAPkcs12KeyStore()
    {
        try (OurTool.Server scp = ourEchoscp("--tls-keystore", file("server.p12"), "+pw", "secret",
            "+cf", file("ca.pem")))
        {
            final Dcmtk.Run echoscu = dcmtkEchoscu(scp.port, dcmtkClientTls());
            assertEquals(0, echoscu.exitCode(), "DCMTK echoscu +tls:\n" + echoscu.output());
        }
    }

    @Test
    void requiredClientCertificateRejectsAnAnonymousDcmtkClientAndServesTheNext()
    {
        try (OurTool.Server scp = ourEchoscp(ourServerTls()))
        {
            final Dcmtk.Run anonymous = dcmtkEchoscu(scp.port, "+tla", "+cf", file("ca.pem"));
            assertNotEquals(0, anonymous.exitCode(), "DCMTK echoscu without a certificate must fail:\n" +
                anonymous.output());
            final Dcmtk.Run withCertificate = dcmtkEchoscu(scp.port, dcmtkClientTls());
            assertEquals(0, withCertificate.exitCode(), "then one with a certificate:\n" + withCertificate.output());
        }
        try (OurTool.Server scp = ourEchoscp(concat(ourServerTls(), "-vc")))
        {
            final Dcmtk.Run anonymous = dcmtkEchoscu(scp.port, "+tla", "+cf", file("ca.pem"));
            assertEquals(0, anonymous.exitCode(), "-vc: a requestor without certificate is accepted:\n" +
                anonymous.output());
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRejectedBothWays()
    {
        try (OurTool.Server scp = ourEchoscp(ourServerTls()))
        {
            final Dcmtk.Run echoscu = dcmtkEchoscu(scp.port, "+tls", file("client.key"), file("client.pem"),
                "+cf", file("otherca.pem"));
            assertNotEquals(0, echoscu.exitCode(), "DCMTK must not trust our server:\n" + echoscu.output());
            assertEquals(0, dcmtkEchoscu(scp.port, dcmtkClientTls()).exitCode(), "the server still serves");
        }
        final int port = Dcmtk.freePort();
        final Dcmtk.Run storescp = DCMTK.start("storescp", "+tls", file("server.key"), file("server.pem"),
            "+cf", file("ca.pem"), "-od", temp.toString(), "--ignore", String.valueOf(port));
        Dcmtk.awaitPort(port, 10_000, storescp);
        final OurTool.Result result = OurTool.run(DCMTK, "echoscu", "+tls", file("client.key"), file("client.pem"),
            "+cf", file("otherca.pem"), "-to", "5", "-ta", "5", HOST, String.valueOf(port));
        assertNotEquals(0, result.exitCode(), "our echoscu must not trust DCMTK's server");
        assertTrue(result.err().contains("TLS handshake failed"), result.err());
        final OurTool.Result trusted = OurTool.run(DCMTK, concat(new String[] {"echoscu"},
            concat(dcmtkClientTls(), "-to", "5", HOST, String.valueOf(port))));
        assertEquals(0, trusted.exitCode(), "our echoscu with the right CA: " + trusted.err());
    }

    @Test
    void aPlainClientOnOurTlsPortFailsAndTheServerKeepsServing()
    {
        try (OurTool.Server scp = ourEchoscp(ourServerTls()))
        {
            final Dcmtk.Run plain = dcmtkEchoscu(scp.port);
            assertNotEquals(0, plain.exitCode(), "plain DCMTK echoscu on a TLS port:\n" + plain.output());
            final OurTool.Result ours = OurTool.run(DCMTK, "echoscu", "-to", "5", "-ta", "5", HOST,
                String.valueOf(scp.port));
            assertNotEquals(0, ours.exitCode(), "our plain echoscu on a TLS port");
            assertEquals(0, dcmtkEchoscu(scp.port, dcmtkClientTls()).exitCode(), "TLS still served");
            assertTrue(scp.isAlive());
        }
    }

    @Test
    void dcmtkStorescuWithTlsToOurStorescpStoresByteForByte() throws IOException
    {
        final List<Path> sources = instances(temp.resolve("source"), 3);
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, concat(new String[] {"storescp", "-od",
            archive.toString(), "--bind", HOST}, concat(ourServerTls(), String.valueOf(port)))))
        {
            final List<String> args = new ArrayList<>(List.of(dcmtkClientTls()));
            args.addAll(List.of("-aec", "STORESCP", HOST, String.valueOf(port)));
            sources.forEach(p -> args.add(p.toString()));
            final Dcmtk.Run storescu = DCMTK.run("storescu", args.toArray(new String[0]));
            assertEquals(0, storescu.exitCode(), "DCMTK storescu +tls:\n" + storescu.output());
            assertTrue(!storescu.output().contains("converting"), storescu.output());
            for (final Path source : sources)
            {
                final Path stored = archive.resolve(Part10Reader.read(source).mediaStorageSopInstanceUid() + ".dcm");
                assertArrayEquals(dataSet(source), dataSet(stored), "stored " + stored);
            }
            assertTrue(scp.isAlive(), "our storescp still runs");
        }
    }

    @Test
    void ourStorescuWithTlsToDcmtkStorescpStoresByteForByte() throws IOException
    {
        final List<Path> sources = instances(temp.resolve("source"), 3);
        final Path archive = Files.createDirectories(temp.resolve("dcmtk"));
        final int port = Dcmtk.freePort();
        final Dcmtk.Run storescp = DCMTK.start("storescp", "+tls", file("server.key"), file("server.pem"),
            "+cf", file("ca.pem"), "-od", archive.toString(), String.valueOf(port));
        Dcmtk.awaitPort(port, 10_000, storescp);
        final List<String> args = new ArrayList<>(List.of("storescu"));
        args.addAll(List.of(dcmtkClientTls()));
        args.addAll(List.of("-aec", "STORESCP", HOST, String.valueOf(port)));
        sources.forEach(p -> args.add(p.toString()));
        final OurTool.Result result = OurTool.run(DCMTK, args.toArray(new String[0]));
        assertEquals(0, result.exitCode(), "our storescu +tls: " + result.err());
        final List<Path> stored;
        try (Stream<Path> files = Files.list(archive))
        {
            stored = files.filter(Files::isRegularFile).toList();
        }
        assertEquals(sources.size(), stored.size(), "files stored by DCMTK storescp: " + stored);
        for (final Path source : sources)
        {
            final String uid = Part10Reader.read(source).mediaStorageSopInstanceUid();
            final Path match = stored.stream().filter(p -> uidOf(p).equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("not stored: " + uid));
            assertArrayEquals(dataSet(source), dataSet(match), "stored by DCMTK: " + match);
        }
    }

    /** Two TLS 1.2 suites that DCMTK's default profile (BCP 195 non-downgrading) offers for our RSA keys. */
    private static final List<String> BCP195_SUITES =
        List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    /** A TLS 1.2 suite both sides support that DCMTK's default profile does not offer. */
    private static final String CHACHA20_SUITE = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
    /** IANA names (as {@code +cs} takes them on both sides) to the OpenSSL names DCMTK prints; TLS 1.3 has one. */
    private static final Map<String, String> OPENSSL_NAMES = Map.of(
        BCP195_SUITES.get(0), "ECDHE-RSA-AES128-GCM-SHA256",
        BCP195_SUITES.get(1), "ECDHE-RSA-AES256-GCM-SHA384",
        CHACHA20_SUITE, "ECDHE-RSA-CHACHA20-POLY1305");
    private static final Pattern TLS_DETAILS =
        Pattern.compile("Protocol\\s*: (\\S+)\\s+D:\\s+Ciphersuite\\s*: ([A-Za-z0-9_-]+)");

    /**
     * @return protocol and cipher suite (by its IANA name) from the first TLS connection details DCMTK printed with
     * {@code -d}.
     */
    private static List<String> dcmtkSession(final String output)
    {
        final Matcher matcher = TLS_DETAILS.matcher(output);
        assertTrue(matcher.find(), "DCMTK -d printed its TLS connection details:\n" + output);
        final String suite = OPENSSL_NAMES.entrySet().stream().filter(e -> e.getValue().equals(matcher.group(2)))
            .map(Map.Entry::getKey).findFirst().orElse(matcher.group(2));
        return List.of(matcher.group(1), suite);
    }

    /** @return a suite of {@link #BCP195_SUITES} that is not {@code picked}: configuring it must change the pick. */
    private static String notPickedByItself(final String picked)
    {
        return BCP195_SUITES.stream().filter(suite -> !suite.equals(picked)).findFirst().orElseThrow();
    }

    /**
     * Our echoscp with {@code --tls-protocols TLSv1.2} against DCMTK's echoscu at its defaults (which offers TLS 1.3
     * and the BCP 195 suites): TLS 1.2. With {@code +cs} added, the suite DCMTK reports is ours, chosen as one it
     * offers that our server does not pick by itself. Restricted to a suite DCMTK's profile lacks, the server
     * fails DCMTK's default handshake, goes on serving, and a DCMTK echoscu that adds that suite with its own
     * {@code +cs} gets it.
     */
    @Test
    void ourEchoscpNegotiatesOnlyItsConfiguredProtocolAndCipherSuiteWithDcmtk()
    {
        final List<String> byDefault;
        try (OurTool.Server scp = ourEchoscp(concat(ourServerTls(), "--tls-protocols", "TLSv1.2")))
        {
            final Dcmtk.Run echoscu = dcmtkEchoscu(scp.port, concat(dcmtkClientTls(), "-d"));
            assertEquals(0, echoscu.exitCode(), echoscu.output());
            byDefault = dcmtkSession(echoscu.output());
        }
        assertEquals("TLSv1.2", byDefault.get(0), "--tls-protocols TLSv1.2 although DCMTK offers TLS 1.3");
        final String suite = notPickedByItself(byDefault.get(1));
        try (OurTool.Server scp = ourEchoscp(concat(ourServerTls(), "--tls-protocols", "TLSv1.2", "+cs", suite)))
        {
            final Dcmtk.Run echoscu = dcmtkEchoscu(scp.port, concat(dcmtkClientTls(), "-d"));
            assertEquals(0, echoscu.exitCode(), echoscu.output());
            assertEquals(List.of("TLSv1.2", suite), dcmtkSession(echoscu.output()), "+cs " + suite);
        }
        try (OurTool.Server scp = ourEchoscp(concat(ourServerTls(), "--tls-protocols", "TLSv1.2",
            "+cs", CHACHA20_SUITE)))
        {
            final Dcmtk.Run profile = dcmtkEchoscu(scp.port, dcmtkClientTls());
            assertNotEquals(0, profile.exitCode(), "no suite in common with DCMTK's default profile:\n" +
                profile.output());
            final Dcmtk.Run added = dcmtkEchoscu(scp.port, concat(dcmtkClientTls(), "+cs", CHACHA20_SUITE, "-d"));
            assertEquals(0, added.exitCode(), "the server still serves:\n" + added.output());
            assertEquals(List.of("TLSv1.2", CHACHA20_SUITE), dcmtkSession(added.output()));
            assertTrue(scp.isAlive());
        }
    }

    /**
     * Our echoscu with {@code --tls-protocols TLSv1.2} against DCMTK's storescp at its defaults: DCMTK's log shows a
     * TLS 1.2 session (TLS 1.3 when our echoscu is left at its defaults). With {@code +cs} added, the suite is ours,
     * chosen as one that DCMTK accepts and does not pick by itself.
     */
    @Test
    void ourEchoscuNegotiatesOnlyItsConfiguredProtocolAndCipherSuiteWithDcmtk()
    {
        final int port = Dcmtk.freePort();
        final Dcmtk.Run storescp = DCMTK.start("storescp", "-d", "+tls", file("server.key"), file("server.pem"),
            "+cf", file("ca.pem"), "-od", temp.toString(), String.valueOf(port));
        Dcmtk.awaitPort(port, 10_000, storescp);
        assertEquals("TLSv1.3", ourEchoscuSession(storescp, port).get(0), "our echoscu at its defaults");
        final List<String> tls12 = ourEchoscuSession(storescp, port, "--tls-protocols", "TLSv1.2");
        assertEquals("TLSv1.2", tls12.get(0), "--tls-protocols TLSv1.2 although DCMTK offers TLS 1.3");
        final String suite = notPickedByItself(tls12.get(1));
        assertEquals(List.of("TLSv1.2", suite), ourEchoscuSession(storescp, port, "--tls-protocols", "TLSv1.2",
            "+cs", suite));
    }

    /** Runs our echoscu with TLS and {@code options} against DCMTK's storescp -d; returns the session DCMTK logged. */
    private static List<String> ourEchoscuSession(final Dcmtk.Run storescp, final int port, final String... options)
    {
        final int logged = storescp.output().length();
        final OurTool.Result result = OurTool.run(DCMTK, concat(concat(new String[] {"echoscu"}, dcmtkClientTls()),
            concat(options, "-to", "5", HOST, String.valueOf(port))));
        assertEquals(0, result.exitCode(), String.join(" ", options) + ": " + result.err());
        Dcmtk.awaitTrue("DCMTK logged the session", 10_000,
            () -> storescp.output().indexOf("END TLS CONNECTION DETAILS", logged) >= 0);
        return dcmtkSession(storescp.output().substring(logged));
    }

    private static String uidOf(final Path file)
    {
        try
        {
            return Part10Reader.read(file).mediaStorageSopInstanceUid();
        }
        catch (final IOException ex)
        {
            return fail("unreadable " + file + ": " + ex);
        }
    }

    private static List<Path> instances(final Path dir, final int count) throws IOException
    {
        Files.createDirectories(dir);
        final List<Path> files = new ArrayList<>();
        final long[] sizes = {2_000_000, 300_000, 20_000};
        for (int i = 0; i < count; i++)
        {
            final String uid = "1.2.826.0.1.3680043.9.7777.77." + (i + 1);
            final Path file = dir.resolve(uid + ".dcm");
            SyntheticInstance.write(file, CT, uid, "1.2.826.0.1.3680043.9.7777.77", "1.2.826.0.1.3680043.9.7777.78",
                sizes[i % sizes.length]);
            files.add(file);
        }
        return files;
    }

    private static byte[] dataSet(final Path file) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final byte[] all = Files.readAllBytes(file);
        return Arrays.copyOfRange(all, info.dataSetOffset(), all.length);
    }

    private static String[] concat(final String[] first, final String... more)
    {
        final String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
