package org.dimse4j.ul;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.Arrays;
import java.util.List;

/**
 * TLS for associations (PS3.15 Annex B, the TLS secure transport connection profiles): the {@link SSLContext}
 * holding our key and certificate and the trusted ones, the enabled protocols and cipher suites, and whether an
 * acceptor asks for the requestor's certificate.
 * <p>
 * The same settings serve both sides: an association we accept gets a server-mode engine (with
 * {@link #clientAuth()}), one we request a client-mode engine (which always authenticates the peer through the
 * context's trust managers; hostname checking is {@link #verifyHostname(boolean) optional}, off by default as in
 * DCMTK, since DICOM peers are usually configured by address and AE title). Build the context with
 * {@link TlsContexts}. Immutable once given to an application entity; the setters return this for chaining.
 */
public final class TlsSettings
{
    /** Protocols enabled unless others are set: TLS 1.3 and 1.2 (BCP 195). */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Whether an acceptor asks the requestor for a certificate. */
    public enum ClientAuth
    {
        /** No client certificate is asked for (DCMTK {@code -ic}). */
        NONE,
        /** Asked for and verified if sent; a requestor without one is still accepted (DCMTK {@code -vc}). */
        OPTIONAL,
        /** Asked for and required: the handshake fails without a trusted one (DCMTK's default, {@code -rc}). */
        REQUIRED
    }

    private final SSLContext context;
    private String[] protocols = DEFAULT_PROTOCOLS.toArray(new String[0]);
    private String[] cipherSuites;
    private ClientAuth clientAuth = ClientAuth.REQUIRED;
    private boolean verifyHostname;

    private TlsSettings(final SSLContext context)
    {
        this.context = context;
    }

    /**
     * @param context holds our key managers (our certificate) and trust managers (whom we trust).
     * @return settings with TLS 1.3/1.2, the context's default cipher suites, client certificates required.
     */
    public static TlsSettings of(final SSLContext context)
    {
        if (context == null)
        {
            throw new IllegalArgumentException("an SSLContext is needed");
        }
        return new TlsSettings(context);
    }

    /**
     * @param names protocols to enable, e.g. {@code "TLSv1.3", "TLSv1.2"}.
     * @return this.
     * @throws IllegalArgumentException if the context does not support one of them.
     */
    public TlsSettings protocols(final String... names)
    {
        if (names.length == 0)
        {
            throw new IllegalArgumentException("at least one TLS protocol is needed");
        }
        checkSupported(names, context.getSupportedSSLParameters().getProtocols(), "TLS protocol");
        this.protocols = names.clone();
        return this;
    }

    /**
     * @param names cipher suites to enable, by their standard (IANA) names as DCMTK's {@code +cs} takes them, e.g.
     *              {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}; none = the context's defaults.
     * @return this.
     * @throws IllegalArgumentException if the context does not support one of them.
     */
    public TlsSettings cipherSuites(final String... names)
    {
        checkSupported(names, context.getSupportedSSLParameters().getCipherSuites(), "cipher suite");
        this.cipherSuites = names.length == 0 ? null : names.clone();
        return this;
    }

    /**
     * @param auth whether an acceptor asks for (and requires) the requestor's certificate.
     * @return this.
     */
    public TlsSettings clientAuth(final ClientAuth auth)
    {
        this.clientAuth = auth;
        return this;
    }

    /**
     * @param verify a requestor also checks that the acceptor's certificate names the host it connected to.
     * @return this.
     */
    public TlsSettings verifyHostname(final boolean verify)
    {
        this.verifyHostname = verify;
        return this;
    }

    /** @return the context. */
    public SSLContext context()
    {
        return context;
    }

    /** @return the enabled protocols. */
    public List<String> protocols()
    {
        return List.of(protocols);
    }

    /** @return the enabled cipher suites, empty for the context's defaults. */
    public List<String> cipherSuites()
    {
        return cipherSuites == null ? List.of() : List.of(cipherSuites);
    }

    /** @return whether an acceptor asks for the requestor's certificate. */
    public ClientAuth clientAuth()
    {
        return clientAuth;
    }

    /**
     * Makes the engine of one association.
     *
     * @param client true for the requestor side.
     * @param host   the peer's host (requestor side: for SNI, session reuse and hostname checks), or null.
     * @param port   the peer's port, or -1.
     * @return a configured engine, before its handshake.
     */
    SSLEngine newEngine(final boolean client, final String host, final int port)
    {
        final SSLEngine engine = client && host != null ? context.createSSLEngine(host, port) :
            context.createSSLEngine();
        engine.setUseClientMode(client);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (cipherSuites != null)
        {
            parameters.setCipherSuites(cipherSuites);
        }
        if (client)
        {
            if (verifyHostname)
            {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        else if (clientAuth == ClientAuth.REQUIRED)
        {
            parameters.setNeedClientAuth(true);
        }
        else if (clientAuth == ClientAuth.OPTIONAL)
        {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static void checkSupported(final String[] names, final String[] supported, final String what)
    {
        final List<String> known = Arrays.asList(supported);
        for (final String name : names)
        {
            if (!known.contains(name))
            {
                throw new IllegalArgumentException("unsupported " + what + " '" + name + "'; supported: " +
                    String.join(", ", supported));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return "TLS " + String.join("/", protocols) + ", client auth " + clientAuth +
            (cipherSuites == null ? "" : ", " + cipherSuites.length + " cipher suite(s)");
    }
}
