package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ul.TlsContexts;
import org.dimse4j.ul.TlsSettings;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * TLS options, named as DCMTK names them ({@code +tls KEY CERT}, {@code +cf}, {@code -rc}/{@code -vc}/{@code -ic},
 * {@code +cs}), for requestors and acceptors alike. Keys are unencrypted PKCS#8 PEM files (or a PKCS#12 key store);
 * without {@code +cf}/{@code +cd} the JDK's default trust store is used.
 */
final class TlsOptions
{
    @Option(names = {"+tls", "--enable-tls"}, arity = "2", paramLabel = "FILE",
        description = "Use TLS with this private key (unencrypted PKCS#8 PEM) and certificate (PEM) file.")
    List<Path> keyAndCertificate;

    @Option(names = {"-tls", "--disable-tls"}, description = "Plain TCP (default).")
    boolean disableTls;

    @Option(names = {"+tla", "--anonymous-tls"},
        description = "Use TLS without a certificate of ours (requestor; the peer's is still verified).")
    boolean anonymousTls;

    @Option(names = {"--tls-keystore"}, paramLabel = "FILE",
        description = "Use TLS with the key and certificate of this PKCS#12 key store.")
    Path keyStore;

    @Option(names = {"+pw", "--use-passwd"}, paramLabel = "PASSWORD",
        description = "Password of the --tls-keystore (default: empty).")
    String password;

    @Option(names = {"+cf", "--add-cert-file"}, paramLabel = "FILE",
        description = "Trust the certificate(s) in this file (PEM or DER; a CA or a peer); repeatable.")
    List<Path> certificateFiles = new ArrayList<>();

    @Option(names = {"+cd", "--add-cert-dir"}, paramLabel = "DIR",
        description = "Trust every certificate file (*.pem, *.crt, *.cer, *.der) in this directory; repeatable.")
    List<Path> certificateDirectories = new ArrayList<>();

    @Option(names = {"-rc", "--require-peer-cert"},
        description = "Verify the peer's certificate, fail if absent (default).")
    boolean requirePeerCertificate;

    @Option(names = {"-vc", "--verify-peer-cert"},
        description = "Acceptor: verify the requestor's certificate if it sends one.")
    boolean verifyPeerCertificate;

    @Option(names = {"-ic", "--ignore-peer-cert"},
        description = "Do not verify the peer's certificate (encrypted, but the peer is not authenticated).")
    boolean ignorePeerCertificate;

    @Option(names = {"+cs", "--cipher"}, paramLabel = "SUITE",
        description = "Enable this cipher suite (IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); repeatable "
            + "(default: the JDK's).")
    List<String> cipherSuites = new ArrayList<>();

    @Option(names = {"--tls-protocols"}, paramLabel = "LIST", split = ",",
        description = "TLS protocols to enable (default: TLSv1.3,TLSv1.2).")
    List<String> protocols = new ArrayList<>();

    ApplicationEntity.Builder apply(final ApplicationEntity.Builder builder) throws IOException
    {
        final TlsSettings settings = settings();
        return settings == null ? builder : builder.tls(settings);
    }

    /** @return the TLS settings the options ask for, or null for plain TCP. */
    TlsSettings settings() throws IOException
    {
        final boolean enabled = keyAndCertificate != null || keyStore != null || anonymousTls;
        if (!enabled || disableTls)
        {
            if (enabled || !certificateFiles.isEmpty() || !certificateDirectories.isEmpty())
            {
                if (disableTls && enabled)
                {
                    throw new IllegalArgumentException("-tls/--disable-tls contradicts the TLS options given");
                }
                if (!enabled)
                {
                    throw new IllegalArgumentException("+cf/+cd need TLS: add +tls KEY CERT (or +tla, --tls-keystore)");
                }
            }
            return null;
        }
        if ((keyAndCertificate != null ? 1 : 0) + (keyStore != null ? 1 : 0) + (anonymousTls ? 1 : 0) > 1)
        {
            throw new IllegalArgumentException("choose one of +tls, --tls-keystore, +tla");
        }
        if ((requirePeerCertificate ? 1 : 0) + (verifyPeerCertificate ? 1 : 0) + (ignorePeerCertificate ? 1 : 0) > 1)
        {
            throw new IllegalArgumentException("choose one of -rc, -vc, -ic");
        }
        final char[] secret = password == null ? new char[0] : password.toCharArray();
        final KeyStore keys = keyAndCertificate != null ?
            TlsContexts.keyStore(keyAndCertificate.get(0), keyAndCertificate.get(1)) :
            keyStore != null ? TlsContexts.pkcs12(keyStore, secret) : null;
        final char[] keyPassword = keyStore != null ? secret : new char[0];
        final SSLContext context;
        if (ignorePeerCertificate)
        {
            context = TlsContexts.trustingAnyPeer(keys, keyPassword);
        }
        else
        {
            final List<X509Certificate> trusted = new ArrayList<>();
            for (final Path file : certificateFiles)
            {
                trusted.addAll(TlsContexts.readCertificates(file));
            }
            for (final Path directory : certificateDirectories)
            {
                trusted.addAll(certificatesIn(directory));
            }
            context = TlsContexts.context(keys, keyPassword, trusted.isEmpty() ? null : trusted);
        }
        final TlsSettings settings = TlsSettings.of(context).clientAuth(ignorePeerCertificate ?
            TlsSettings.ClientAuth.NONE : verifyPeerCertificate ? TlsSettings.ClientAuth.OPTIONAL :
            TlsSettings.ClientAuth.REQUIRED);
        if (!protocols.isEmpty())
        {
            settings.protocols(protocols.toArray(new String[0]));
        }
        if (!cipherSuites.isEmpty())
        {
            settings.cipherSuites(cipherSuites.toArray(new String[0]));
        }
        return settings;
    }

    private static List<X509Certificate> certificatesIn(final Path directory) throws IOException
    {
        final List<X509Certificate> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files.sorted()::iterator)
            {
                final String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (Files.isRegularFile(file) && (name.endsWith(".pem") || name.endsWith(".crt") ||
                    name.endsWith(".cer") || name.endsWith(".der")))
                {
                    result.addAll(TlsContexts.readCertificates(file));
                }
            }
        }
        return result;
    }
}
