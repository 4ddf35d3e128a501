package org.dimse4j.ul;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Makes the {@link SSLContext} of {@link TlsSettings} from the files DCMTK takes: a PEM private key and
 * certificate ({@code +tls KEY CERT}), trusted certificates ({@code +cf FILE}); or from a PKCS#12 key store.
 * <p>
 * Keys are read as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what OpenSSL 3 writes by default);
 * a key in another PEM form is refused with the {@code openssl} command that converts it. Certificates may be PEM
 * or DER, several in one file (a chain: ours first). Only the JDK is used (no BouncyCastle).
 */
public final class TlsContexts
{
    private static final String KEY_ALIAS = "dimse4j";
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private TlsContexts()
    {
    }

    /**
     * @param file a PEM file holding one unencrypted PKCS#8 private key.
     * @return the key.
     * @throws IOException if it cannot be read or is not such a key.
     */
    public static PrivateKey readPrivateKey(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final String begin = "-----BEGIN PRIVATE KEY-----";
        final int start = text.indexOf(begin);
        final int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start)
        {
            final String kind = text.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted PKCS#8 key" :
                text.contains("RSA PRIVATE KEY") || text.contains("EC PRIVATE KEY") ? "a traditional (PKCS#1/SEC1) key" :
                "no PEM private key";
            throw new IOException(file + " holds " + kind + "; an unencrypted PKCS#8 PEM key is needed: " +
                "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        final byte[] der;
        try
        {
            der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(file + ": bad base64 in the private key: " + ex.getMessage(), ex);
        }
        final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (final String algorithm : KEY_ALGORITHMS)
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            }
            catch (final GeneralSecurityException ex)
            {
                // not this algorithm (or not available here): try the next
            }
        }
        throw new IOException(file + ": a PKCS#8 key of an algorithm this JDK cannot read");
    }

    /**
     * @param file PEM or DER certificates.
     * @return them, in file order.
     * @throws IOException if there is none or one cannot be parsed.
     */
    public static List<X509Certificate> readCertificates(final Path file) throws IOException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final Collection<? extends Certificate> certificates =
                CertificateFactory.getInstance("X.509").generateCertificates(in);
            final List<X509Certificate> result = new ArrayList<>();
            for (final Certificate certificate : certificates)
            {
                result.add((X509Certificate)certificate);
            }
            if (result.isEmpty())
            {
                throw new IOException(file + " holds no certificate");
            }
            return result;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException(file + ": not an X.509 certificate file: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param keyFile  PEM PKCS#8 private key.
     * @param certFile its certificate (PEM/DER), optionally followed by the chain.
     * @return an in-memory key store holding the pair, for {@link #context}; its key password is empty.
     * @throws IOException if a file cannot be read or the key does not match the certificate type.
     */
    public static KeyStore keyStore(final Path keyFile, final Path certFile) throws IOException
    {
        final PrivateKey key = readPrivateKey(keyFile);
        final List<X509Certificate> chain = readCertificates(certFile);
        try
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, key, new char[0], chain.toArray(new Certificate[0]));
            return store;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot use the key of " + keyFile + " with " + certFile + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param file     a PKCS#12 key store.
     * @param password its password (also the key's).
     * @return the loaded store.
     * @throws IOException if it cannot be read or the password is wrong.
     */
    public static KeyStore pkcs12(final Path file, final char[] password) throws IOException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException(file + ": cannot load the PKCS#12 key store: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param keys        our key and certificate, or null for none (a requestor without a client certificate).
     * @param keyPassword the key entry's password ({@link #keyStore} uses an empty one).
     * @param trusted     the certificates (CAs or peers) we trust; null = the JDK's default trust store.
     * @return a TLS context.
     * @throws IOException if the material cannot be used.
     */
    public static SSLContext context(final KeyStore keys, final char[] keyPassword,
        final Collection<X509Certificate> trusted) throws IOException
    {
        try
        {
            TrustManager[] trustManagers = null;
            if (trusted != null)
            {
                final KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (final X509Certificate certificate : trusted)
                {
                    trust.setCertificateEntry("trusted-" + i++, certificate);
                }
                final TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                trustManagers = tmf.getTrustManagers();
            }
            return build(keys, keyPassword, trustManagers);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot set up TLS: " + ex.getMessage(), ex);
        }
    }

    /**
     * A context that accepts any peer certificate without checking it (DCMTK {@code -ic}): the connection is
     * encrypted but the peer is not authenticated. For tests and trusted networks only.
     *
     * @param keys        our key and certificate, or null.
     * @param keyPassword the key entry's password.
     * @return a TLS context.
     * @throws IOException if the key material cannot be used.
     */
    public static SSLContext trustingAnyPeer(final KeyStore keys, final char[] keyPassword) throws IOException
    {
        try
        {
            return build(keys, keyPassword, new TrustManager[] {new AnyPeer()});
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot set up TLS: " + ex.getMessage(), ex);
        }
    }

    private static SSLContext build(final KeyStore keys, final char[] keyPassword, final TrustManager[] trust)
        throws GeneralSecurityException
    {
        javax.net.ssl.KeyManager[] keyManagers = null;
        if (keys != null)
        {
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, keyPassword == null ? new char[0] : keyPassword);
            keyManagers = kmf.getKeyManagers();
        }
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trust, null);
        return context;
    }

    /** Trusts every peer: see {@link #trustingAnyPeer}. */
    private static final class AnyPeer extends X509ExtendedTrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        {
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        {
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
