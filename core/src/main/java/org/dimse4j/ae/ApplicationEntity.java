package org.dimse4j.ae;

import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PduStrings;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.AcceptorPolicy;
import org.dimse4j.ul.AssociationSettings;
import org.dimse4j.ul.Implementation;
import org.dimse4j.ul.UserIdentityVerifier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A DICOM application entity: its title, what it accepts as an SCP, and its limits. The public face of dimse4j.
 * <pre>
 * var ae = ApplicationEntity.named("ARCHIVE")
 *     .accept(Verification.SOP_CLASS, TransferSyntax.DEFAULT)
 *     .build();
 * try (var server = ae.listen(11112)) { ... }
 * try (var assoc = ae.connect("127.0.0.1", 104, "PACS", ContextRequest.of(Verification.SOP_CLASS))) {
 *     assoc.echo();
 * }
 * </pre>
 * Immutable once built; safe to share between threads.
 */
public final class ApplicationEntity
{
    private final String aeTitle;
    private final AcceptorPolicy policy;
    private final AssociationSettings settings;
    private final int eventLoops;
    private final boolean busySpin;
    private final long spinNanos;
    private final int maxAssociations;
    private final long dimseTimeoutMs;
    private final InstanceStore store;
    private final org.dimse4j.archive.ArchiveIndex queryIndex;
    private final org.dimse4j.archive.WorklistDirectory worklist;
    private final int requestedWindow;
    private final AeTable remoteAes;
    private final java.util.Map<String, NServiceHandler> nServices;

    private ApplicationEntity(final Builder builder)
    {
        this.nServices = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(builder.nServices));
        this.remoteAes = builder.remoteAes;
        this.store = builder.store;
        this.queryIndex = builder.queryIndex;
        this.worklist = builder.worklist;
        this.requestedWindow = builder.requestedWindow;
        this.aeTitle = builder.aeTitle;
        this.policy = builder.policy.aeTitle(builder.aeTitle).maxPduLength(builder.settings.maxPduLength());
        this.settings = builder.settings.conclude();
        this.eventLoops = builder.eventLoops;
        this.busySpin = builder.busySpin;
        this.spinNanos = builder.spinNanos;
        this.maxAssociations = builder.maxAssociations;
        this.dimseTimeoutMs = builder.dimseTimeoutMs;
    }

    /**
     * @param aeTitle 1-16 characters of ISO 646 without backslash.
     * @return a builder.
     */
    public static Builder named(final String aeTitle)
    {
        return new Builder(aeTitle);
    }

    /** @return the AE title. */
    public String aeTitle()
    {
        return aeTitle;
    }

    /** @return what this AE accepts as acceptor. */
    public AcceptorPolicy policy()
    {
        return policy;
    }

    /** @return per-association limits and timeouts. */
    public AssociationSettings settings()
    {
        return settings;
    }

    /** @return where received instances go, or null when this AE offers no storage. */
    public InstanceStore store()
    {
        return store;
    }

    /** @return the index C-FIND queries are answered from, or null when this AE offers no C-FIND. */
    public org.dimse4j.archive.ArchiveIndex queryIndex()
    {
        return queryIndex;
    }

    /** @return the worklist Modality Worklist C-FIND is answered from, or null when this AE offers none. */
    public org.dimse4j.archive.WorklistDirectory worklist()
    {
        return worklist;
    }

    /** @return the peers this AE opens associations to on its own: C-MOVE destinations, commitment requestors. */
    public AeTable remoteAes()
    {
        return remoteAes;
    }

    /** @return the DIMSE-N handlers by SOP class (see {@link Builder#acceptNService}); unmodifiable. */
    public java.util.Map<String, NServiceHandler> nServices()
    {
        return nServices;
    }

    /**
     * @return how long the I/O loops and an SCU's waiting calls keep polling after their last work before they
     *         block in the selector, nanoseconds (see {@link Builder#spinMicros}).
     */
    public long spinNanos()
    {
        return spinNanos;
    }

    /** @return how long an SCU waits for a response; 0 = forever. */
    public long dimseTimeoutMs()
    {
        return dimseTimeoutMs;
    }

    /**
     * Starts serving on a port of all local addresses.
     *
     * @param port TCP port.
     * @return the running server.
     * @throws IOException if the port cannot be bound.
     */
    public Server listen(final int port) throws IOException
    {
        return listen(new InetSocketAddress(port));
    }

    /**
     * Starts serving on an address.
     *
     * @param address local address.
     * @return the running server.
     * @throws IOException if the address cannot be bound.
     */
    public Server listen(final InetSocketAddress address) throws IOException
    {
        return new Server(this, address, eventLoops, busySpin, maxAssociations);
    }

    /**
     * Requests an association and waits until it is established.
     *
     * @param host          acceptor host.
     * @param port          acceptor port.
     * @param calledAeTitle acceptor's AE title.
     * @param contexts      presentation contexts to propose.
     * @return the established association.
     * @throws IOException if it cannot be established (rejected: {@link org.dimse4j.ul.AssociationException}).
     */
    public ClientAssociation connect(final String host, final int port, final String calledAeTitle,
        final ContextRequest... contexts) throws IOException
    {
        return connect(host, port, calledAeTitle, List.of(contexts), null);
    }

    /**
     * Requests an association with full control over the A-ASSOCIATE-RQ's optional parts.
     *
     * @param host          acceptor host.
     * @param port          acceptor port.
     * @param calledAeTitle acceptor's AE title.
     * @param contexts      presentation contexts to propose (ids are assigned 1, 3, 5, ...).
     * @param extra         fills optional user information (async window, user identity, extended negotiation)
     *                      into the request before it is sent; may be null.
     * @return the established association.
     * @throws IOException if it cannot be established.
     */
    public ClientAssociation connect(final String host, final int port, final String calledAeTitle,
        final List<ContextRequest> contexts, final java.util.function.Consumer<AssociatePdu> extra) throws IOException
    {
        if (contexts.isEmpty() || contexts.size() > 128)
        {
            throw new IllegalArgumentException("propose 1 to 128 presentation contexts, not " + contexts.size());
        }
        final AssociatePdu rq = new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_RQ)
            .calledAeTitle(PduStrings.checkAeTitle(calledAeTitle))
            .callingAeTitle(aeTitle)
            .maxLength(settings.maxPduLength())
            .implementationClassUid(Implementation.CLASS_UID)
            .implementationVersionName(Implementation.VERSION_NAME);
        int id = 1;
        for (final ContextRequest request : contexts)
        {
            rq.presentationContexts().add(AssociatePdu.PresentationContext.proposed(
                id, request.abstractSyntax(), request.transferSyntaxes().toArray(new String[0])));
            if (request.scuRole() != null)
            {
                rq.roleSelections().add(new AssociatePdu.RoleSelection(
                    request.abstractSyntax(), request.scuRole(), request.scpRole()));
            }
            id += 2;
        }
        if (requestedWindow != 1)
        {
            rq.asyncOperationsWindow(requestedWindow, 1);
        }
        if (extra != null)
        {
            extra.accept(rq);
        }
        return ClientAssociation.open(this, new InetSocketAddress(host, port), rq);
    }

    /**
     * Builds an {@link ApplicationEntity}.
     */
    public static final class Builder
    {
        /** Default of {@link #spinMicros}: covers a loopback or LAN round trip and the peer's turn-around. */
        public static final long DEFAULT_SPIN_MICROS = 50;

        private static final List<String> NSERVICE_SYNTAXES = List.of(
            org.dimse4j.data.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            org.dimse4j.data.TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);

        private final String aeTitle;
        private final AcceptorPolicy policy = new AcceptorPolicy();
        private final AssociationSettings settings = new AssociationSettings();
        private int eventLoops = 1;
        private boolean busySpin;
        private long spinNanos = DEFAULT_SPIN_MICROS * 1000L;
        private int maxAssociations;
        private long dimseTimeoutMs;
        private InstanceStore store;
        private org.dimse4j.archive.ArchiveIndex queryIndex;
        private org.dimse4j.archive.WorklistDirectory worklist;
        private int requestedWindow = 1;
        private AeTable remoteAes = AeTable.empty();
        private final java.util.Map<String, NServiceHandler> nServices = new java.util.LinkedHashMap<>();

        private Builder(final String aeTitle)
        {
            this.aeTitle = PduStrings.checkAeTitle(aeTitle);
        }

        /**
         * Accepts a SOP class with transfer syntaxes, the first preferred.
         *
         * @param sopClassUid      abstract syntax.
         * @param transferSyntaxes transfer syntaxes in order of preference.
         * @return this.
         */
        public Builder accept(final String sopClassUid, final List<String> transferSyntaxes)
        {
            policy.accept(sopClassUid, transferSyntaxes);
            return this;
        }

        /**
         * Accepts several SOP classes with the same transfer syntaxes.
         *
         * @param sopClassUids     abstract syntaxes.
         * @param transferSyntaxes transfer syntaxes in order of preference.
         * @return this.
         */
        public Builder accept(final Collection<String> sopClassUids, final List<String> transferSyntaxes)
        {
            for (final String uid : sopClassUids)
            {
                policy.accept(uid, transferSyntaxes);
            }
            return this;
        }

        /**
         * Accepts every storage SOP class of the standard with the given transfer syntaxes, and sends what
         * arrives to {@code store}.
         *
         * @param transferSyntaxes transfer syntaxes in order of preference (e.g. {@code TransferSyntax.ALL_KNOWN}).
         * @param store            where instances go, e.g. {@code DirectoryStore.of(path)}.
         * @return this.
         */
        public Builder acceptStorage(final List<String> transferSyntaxes, final InstanceStore store)
        {
            accept(org.dimse4j.data.StorageSopClasses.ALL, transferSyntaxes);
            return onStore(store);
        }

        /**
         * @param store where C-STORE data sets go; null offers no storage.
         * @return this.
         */
        public Builder onStore(final InstanceStore store)
        {
            this.store = store;
            return this;
        }

        /**
         * Answers C-FIND, C-GET and C-MOVE from an archive index: accepts Study Root and Patient Root Query/Retrieve
         * FIND, GET and MOVE with Explicit and Implicit VR Little Endian (C-MOVE destinations are looked up in
         * {@link #remoteAes}; its sub-operations run on worker threads of the server), and, for the C-STORE
         * sub-operations of a C-GET, grants
         * the requestor the SCP role (role selection) for every storage SOP class; storage SOP classes not yet
         * accepted are accepted with all known transfer syntaxes (sub-operations are sent on a context whose
         * transfer syntax is the file's: nothing is transcoded).
         *
         * @param index the index; null offers no C-FIND.
         * @return this.
         */
        public Builder queryIndex(final org.dimse4j.archive.ArchiveIndex index)
        {
            this.queryIndex = index;
            if (index != null)
            {
                final List<String> syntaxes = List.of(org.dimse4j.data.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                    org.dimse4j.data.TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
                accept(org.dimse4j.data.Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, syntaxes);
                accept(org.dimse4j.data.Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, syntaxes);
                accept(org.dimse4j.data.Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET, syntaxes);
                accept(org.dimse4j.data.Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET, syntaxes);
                accept(org.dimse4j.data.Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE, syntaxes);
                accept(org.dimse4j.data.Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE, syntaxes);
                for (final String storage : org.dimse4j.data.StorageSopClasses.ALL)
                {
                    if (!policy.acceptedSyntaxes().containsKey(storage))
                    {
                        accept(storage, org.dimse4j.data.TransferSyntax.ALL_KNOWN);
                    }
                    policy.acceptScuRole(storage);
                }
            }
            return this;
        }

        /**
         * Answers Modality Worklist C-FIND (PS3.4 Annex K) from a worklist directory: accepts Modality Worklist
         * Information Model - FIND with Explicit and Implicit VR Little Endian.
         *
         * @param worklist the worklist; null offers no worklist C-FIND.
         * @return this.
         */
        public Builder worklist(final org.dimse4j.archive.WorklistDirectory worklist)
        {
            this.worklist = worklist;
            if (worklist != null)
            {
                accept(org.dimse4j.data.Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND,
                    List.of(org.dimse4j.data.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                        org.dimse4j.data.TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
            }
            return this;
        }

        /**
         * Accepts any abstract syntax (an unknown storage SOP class, say) with its proposed transfer syntaxes,
         * the first of ours that is offered preferred.
         *
         * @param transferSyntaxes ours, in order of preference.
         * @return this.
         */
        public Builder acceptAny(final List<String> transferSyntaxes)
        {
            policy.promiscuous(true, transferSyntaxes);
            return this;
        }

        /**
         * Accepts Verification with the uncompressed transfer syntaxes.
         *
         * @return this.
         */
        public Builder acceptVerification()
        {
            return accept(Verification.SOP_CLASS, org.dimse4j.data.TransferSyntax.UNCOMPRESSED);
        }

        /**
         * @param require reject associations whose called AE title is not ours.
         * @return this.
         */
        public Builder requireCalledAeTitle(final boolean require)
        {
            policy.requireCalledAeTitle(require);
            return this;
        }

        /**
         * @param aeTitles calling AE titles allowed; empty = any.
         * @return this.
         */
        public Builder allowedCallingAeTitles(final Set<String> aeTitles)
        {
            policy.allowedCallingAeTitles(aeTitles);
            return this;
        }

        /**
         * Answers to another called AE title (or ours) with its own allowed calling AE titles; rejections are
         * (1, 1, 3) for a caller not listed, and, with {@link #requireCalledAeTitle(boolean)}, (1, 1, 7) for a called
         * title that is neither ours nor given here.
         *
         * @param calledAeTitle the called AE title.
         * @param callers       calling AE titles allowed to reach it; empty = any.
         * @return this.
         */
        public Builder allowedCallingAeTitles(final String calledAeTitle, final Set<String> callers)
        {
            policy.allowedCallingAeTitles(calledAeTitle, callers);
            return this;
        }

        /**
         * @param require with a verifier set, reject requestors that present no User Identity (1, 2, 1).
         * @return this.
         */
        public Builder requireUserIdentity(final boolean require)
        {
            policy.requireUserIdentity(require);
            return this;
        }

        /**
         * @param max the most associations open at once from one calling AE title (further ones are rejected,
         *            transient, local-limit-exceeded); 0 = no limit. Beside {@link #maxAssociations(int)}.
         * @return this.
         */
        public Builder maxAssociationsPerCallingAeTitle(final int max)
        {
            policy.maxAssociationsPerCallingAeTitle(max);
            return this;
        }

        /**
         * @param verifier checks user identities; null accepts any.
         * @return this.
         */
        public Builder userIdentityVerifier(final UserIdentityVerifier verifier)
        {
            policy.userIdentityVerifier(verifier);
            return this;
        }

        /**
         * @param invoked   operations we may invoke outstanding as acceptor (0 = any).
         * @param performed operations we perform outstanding as acceptor (0 = any).
         * @return this.
         */
        public Builder asyncOperationsWindow(final int invoked, final int performed)
        {
            policy.asyncOperationsWindow(invoked, performed);
            return this;
        }

        /**
         * Proposes an asynchronous operations window when requesting associations, so that several C-STOREs can
         * be in flight on one association (PS3.7 D.3.3.3).
         *
         * @param invoked the most operations we want outstanding, 1..65535 (1 = synchronous, sends no item);
         *                0 = unlimited.
         * @return this.
         */
        public Builder requestAsyncWindow(final int invoked)
        {
            if (invoked < 0 || invoked > 0xFFFF)
            {
                throw new IllegalArgumentException("window must be 0..65535: " + invoked);
            }
            this.requestedWindow = invoked;
            return this;
        }

        /**
         * @param length Maximum Length we announce for received P-DATA-TF PDUs.
         * @return this.
         */
        public Builder maxPduLength(final int length)
        {
            settings.maxPduLength(length);
            return this;
        }

        /**
         * @param timeoutMs ARTIM / ACSE timeout.
         * @return this.
         */
        public Builder acseTimeoutMs(final long timeoutMs)
        {
            settings.acseTimeoutMs(timeoutMs);
            return this;
        }

        /**
         * @param timeoutMs how long an SCU waits for each response; 0 = forever.
         * @return this.
         */
        public Builder dimseTimeoutMs(final long timeoutMs)
        {
            this.dimseTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @param timeoutMs TCP connect timeout.
         * @return this.
         */
        public Builder connectTimeoutMs(final long timeoutMs)
        {
            settings.connectTimeoutMs(timeoutMs);
            return this;
        }

        /**
         * @param timeoutMs abort an established association idle this long; 0 = never.
         * @return this.
         */
        public Builder idleTimeoutMs(final long timeoutMs)
        {
            settings.idleTimeoutMs(timeoutMs);
            return this;
        }

        /**
         * @param tls TLS on every association this entity accepts or requests (PS3.15 Annex B), or null for plain
         *            TCP; build it with {@link org.dimse4j.ul.TlsSettings#of} and
         *            {@link org.dimse4j.ul.TlsContexts}.
         * @return this.
         */
        public Builder tls(final org.dimse4j.ul.TlsSettings tls)
        {
            settings.tls(tls);
            return this;
        }

        /**
         * @param timeoutMs once a PDU's first byte arrives, the whole PDU must arrive within this time, else
         *                  A-ABORT; 0 = no deadline (see {@link AssociationSettings#pduTimeoutMs(long)}).
         * @return this.
         */
        public Builder pduTimeoutMs(final long timeoutMs)
        {
            settings.pduTimeoutMs(timeoutMs);
            return this;
        }

        /**
         * @param timeoutMs abort an association whose peer takes none of our output for this long; 0 = never;
         *                  default {@value AssociationSettings#DEFAULT_WRITE_STALL_TIMEOUT_MS} ms.
         * @return this.
         */
        public Builder writeStallTimeoutMs(final long timeoutMs)
        {
            settings.writeStallTimeoutMs(timeoutMs);
            return this;
        }

        /**
         * @param count I/O event loops (threads) of a server; default 1.
         * @return this.
         */
        public Builder eventLoops(final int count)
        {
            if (count < 1)
            {
                throw new IllegalArgumentException("need at least one event loop");
            }
            this.eventLoops = count;
            return this;
        }

        /**
         * How long a server's I/O loops, and an SCU's calls waiting for a response, keep polling their sockets after
         * the last work before they block in the selector. Polling picks up the next request or response without
         * a thread wake-up, which on loopback costs about as much as the whole round trip; the price is at most
         * this much CPU per burst of work, and none at all while associations are idle. 0 blocks at once (least
         * CPU, for thousands of mostly idle associations); large values approach {@link #busySpin}. Default
         * {@value #DEFAULT_SPIN_MICROS} µs.
         *
         * @param micros spin time, microseconds, 0 or more.
         * @return this.
         */
        public Builder spinMicros(final long micros)
        {
            if (micros < 0)
            {
                throw new IllegalArgumentException("spin time must be 0 or more: " + micros);
            }
            this.spinNanos = micros > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : micros * 1000L;
            return this;
        }

        /**
         * @param spin busy-spin the I/O loops (lowest latency, one core each) instead of blocking when idle.
         * @return this.
         */
        public Builder busySpin(final boolean spin)
        {
            this.busySpin = spin;
            return this;
        }

        /**
         * @param max the most associations a server keeps open at once (further ones are rejected, transient,
         *            local-limit-exceeded); 0 = no limit.
         * @return this.
         */
        public Builder maxAssociations(final int max)
        {
            this.maxAssociations = max;
            return this;
        }

        /**
         * @param table the peers this AE may open associations to by title (C-MOVE destinations, Storage
         *              Commitment requestors).
         * @return this.
         */
        public Builder remoteAes(final AeTable table)
        {
            this.remoteAes = java.util.Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * Serves the DIMSE-N requests (N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE, N-DELETE) of a SOP class
         * with a handler, and accepts the SOP class with the given transfer syntaxes. The handler runs on the I/O
         * thread and must be quick (see {@link NServiceHandler}).
         *
         * @param sopClassUid      the SOP class (abstract syntax).
         * @param transferSyntaxes uncompressed transfer syntaxes in order of preference.
         * @param handler          serves its requests.
         * @return this.
         */
        public Builder acceptNService(final String sopClassUid, final List<String> transferSyntaxes,
            final NServiceHandler handler)
        {
            accept(sopClassUid, transferSyntaxes);
            nServices.put(sopClassUid, java.util.Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Modality Performed Procedure Step SCP (PS3.4 Annex F): N-CREATE and N-SET on the MPPS SOP class, N-GET on
         * MPPS Retrieve, with Explicit and Implicit VR Little Endian.
         *
         * @param service keeps the instances.
         * @return this.
         */
        public Builder acceptMpps(final MppsService service)
        {
            acceptNService(org.dimse4j.data.Uid.MODALITY_PERFORMED_PROCEDURE_STEP, NSERVICE_SYNTAXES, service);
            return acceptNService(org.dimse4j.data.Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE, NSERVICE_SYNTAXES,
                service);
        }

        /**
         * Storage Commitment Push Model SCP (PS3.4 Annex J) with Explicit and Implicit VR Little Endian. Results go
         * back on the requesting association while it is open, otherwise on a new association to the requestor,
         * found by its AE title in {@link #remoteAes(AeTable)}.
         *
         * @param service checks the instances.
         * @return this.
         */
        public Builder acceptStorageCommitment(final StorageCommitmentService service)
        {
            return acceptNService(org.dimse4j.data.Uid.STORAGE_COMMITMENT_PUSH_MODEL, NSERVICE_SYNTAXES, service);
        }

        /**
         * Receives Storage Commitment results (N-EVENT-REPORT) as the requestor of the commitment on associations
         * the SCP opens to us: accepts the Storage Commitment Push Model SOP class and grants the SCP its SCP role
         * when it proposes SCU = 0, SCP = 1 in role selection (PS3.4 J.3.3), as it must.
         *
         * @param handler receives the N-EVENT-REPORTs, e.g. a {@link StorageCommitment.ResultCollector}.
         * @return this.
         */
        public Builder acceptStorageCommitmentResults(final NServiceHandler handler)
        {
            acceptNService(org.dimse4j.data.Uid.STORAGE_COMMITMENT_PUSH_MODEL, NSERVICE_SYNTAXES, handler);
            policy.acceptScuRole(org.dimse4j.data.Uid.STORAGE_COMMITMENT_PUSH_MODEL);
            return this;
        }

        /** @return the application entity. */
        public ApplicationEntity build()
        {
            return new ApplicationEntity(this);
        }
    }
}
