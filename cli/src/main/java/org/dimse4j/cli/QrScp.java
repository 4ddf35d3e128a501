package org.dimse4j.cli;

import org.dimse4j.ae.AeTable;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.RemoteAe;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code qrscp PORT}: a Query/Retrieve SCP answering C-FIND, C-GET and C-MOVE (Patient Root and Study Root) from an
 * archive directory, which it indexes at start; also a Storage SCP whose stored instances are queryable at once, a
 * Storage Commitment SCP over the same archive, optionally an MPPS SCP ({@code --mpps DIR}), and a Verification SCP.
 * Peers (C-MOVE destinations, Storage Commitment requestors) come from {@code --ae-table FILE} (lines
 * {@code AETITLE HOST PORT}) and {@code --move-destination AETITLE=HOST:PORT}.
 */
@Command(name = "qrscp", mixinStandardHelpOptions = true,
    description = {"Query/Retrieve SCP (C-FIND, C-GET and C-MOVE, Patient and Study Root) over an archive directory, "
        + "indexed at start; "
        + "also stores (C-STORE) into it, commits its instances (Storage Commitment), with --mpps keeps MPPS steps, "
        + "and answers C-ECHO. Runs until interrupted (Ctrl-C)."})
final class QrScp implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "QRSCP";

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIRECTORY",
        description = "Archive directory, created if missing (default: ${DEFAULT-VALUE}).")
    Path outputDirectory = Path.of(StoreScp.DEFAULT_DIRECTORY);

    @Option(names = {"--bind"}, paramLabel = "ADDRESS", description = "Local address to listen on (default: all).")
    String bind;

    @Option(names = {"--mpps"}, paramLabel = "DIRECTORY",
        description = "Also be an MPPS SCP (N-CREATE, N-SET; N-GET on MPPS Retrieve), keeping the steps as Part 10 "
            + "files here.")
    Path mppsDirectory;

    @Option(names = {"--ae-table"}, paramLabel = "FILE",
        description = "Peers as lines of AETITLE HOST PORT (# comments): C-MOVE destinations, and where Storage "
            + "Commitment results go when the requesting association has ended.")
    Path aeTable;

    @Option(names = {"--move-destination"}, paramLabel = "AETITLE=HOST:PORT",
        description = "A C-MOVE destination (repeatable; replaces a --ae-table entry of the same title).")
    List<String> moveDestinations = new ArrayList<>();

    @Option(names = {"--create-ahead"}, paramLabel = "N",
        description = "Keep N empty temporary files created ahead by a background thread, so the file create is off "
            + "the I/O thread (0: each instance creates its own; default: ${DEFAULT-VALUE}).")
    int createAhead = 64;

    @Mixin
    NetworkOptions network;

    /**
     * @param spec {@code AETITLE=HOST:PORT}.
     * @return the peer.
     * @throws IllegalArgumentException naming what is wrong.
     */
    static RemoteAe parseDestination(final String spec)
    {
        final int eq = spec.lastIndexOf('='); // an AE title may hold '=', a host name may not
        final int colon = spec.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == spec.length() - 1)
        {
            throw new IllegalArgumentException("--move-destination wants AETITLE=HOST:PORT, not " + spec);
        }
        try
        {
            return new RemoteAe(spec.substring(0, eq), spec.substring(eq + 1, colon),
                Integer.parseInt(spec.substring(colon + 1)));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--move-destination " + spec + ": bad port", ex);
        }
    }

    /** Set once listening, for in-process tests. */
    volatile Server server;

    @Override
    public Integer call() throws Exception
    {
        final Path root = outputDirectory.toAbsolutePath().normalize();
        final long start = System.nanoTime();
        final ArchiveIndex index = ArchiveIndex.rebuild(root);
        System.out.printf("indexed %d instances under %s in %.3f s%n", index.size(), root,
            (System.nanoTime() - start) / 1e9);
        final DirectoryStore store = new DirectoryStore(root, DirectoryStore.Durability.RENAME,
            DirectoryStore.Duplicates.OVERWRITE, index::onStored).createAhead(createAhead);
        AeTable peers = aeTable == null ? AeTable.empty() : AeTable.read(aeTable);
        for (final String spec : moveDestinations)
        {
            peers = peers.with(parseDestination(spec));
        }
        final ApplicationEntity.Builder builder = network.apply(ApplicationEntity.named(aeTitle))
            .acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, store)
            .queryIndex(index)
            .acceptStorageCommitment(new org.dimse4j.ae.StorageCommitmentService(index))
            .remoteAes(peers);
        if (mppsDirectory != null)
        {
            builder.acceptMpps(org.dimse4j.ae.MppsService.inDirectory(mppsDirectory));
        }
        final ApplicationEntity ae = builder.build();
        for (final RemoteAe peer : peers.peers())
        {
            System.out.printf("peer %s at %s:%d%n", peer.aeTitle(), peer.host(), peer.port());
        }
        final InetSocketAddress address = bind == null ? new InetSocketAddress(port) :
            new InetSocketAddress(bind, port);
        return Serving.untilStopped(ae, address,
            port -> aeTitle + " listening on port " + port + ", archive " + root, listening -> server = listening,
            store);
    }
}
