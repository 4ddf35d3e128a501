package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code movescu HOST PORT -k KEY=VALUE... [-aem AETITLE] [+P PORT -od DIR]}: the Query/Retrieve C-MOVE SCU, as
 * DCMTK's movescu (Study Root by default, Patient Root with {@code -P}). The peer sends the instances to the Move
 * Destination over an association of its own; with {@code +P} this tool is that destination too: it runs a Storage
 * SCP under its own AE title on that port for the duration of the C-MOVE (the peer must know it by that title, host
 * and port) and writes what arrives under the output directory. Exits 0 only on Success.
 */
@Command(name = "movescu", mixinStandardHelpOptions = true,
    description = "Query/Retrieve C-MOVE SCU: sends one C-MOVE-RQ built from -k keys; with +P also receives the "
        + "instances itself.")
final class MoveScu implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "MOVESCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"-aem", "--move"}, paramLabel = "AETITLE",
        description = "Move Destination AE title (default: our AE title).")
    String moveDestination;

    @Mixin
    ModelOptions model;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY=VALUE",
        description = "A key: QueryRetrieveLevel and the unique keys (keyword or gggg,eeee) with their values.")
    List<String> keys = new ArrayList<>();

    @Option(names = {"+P", "--port"}, paramLabel = "PORT",
        description = "Receive the instances: run a Storage SCP under our AE title on this port during the C-MOVE.")
    int storagePort;

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIRECTORY",
        description = "Where instances received with +P are written (default: ${DEFAULT-VALUE}).")
    Path outputDirectory = Path.of(".");

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final String sopClass = model.sopClass(Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE,
            Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_MOVE);
        if (storagePort < 0 || storagePort > 65535)
        {
            throw new IllegalArgumentException("+P port must be 1..65535: " + storagePort);
        }
        final DataSet identifier = FindScu.identifier(keys);
        final String destination = moveDestination != null ? moveDestination : aeTitle;
        final AtomicInteger received = new AtomicInteger();
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).build();
        final ClientAssociation.GetResult result;
        try (Server storage = storagePort == 0 ? null : listen(received))
        {
            try (ClientAssociation association = ae.connect(host, port, calledAeTitle,
                ScuSupport.littleEndianContext(sopClass), null))
            {
                result = association.move(sopClass, identifier, destination, ScuSupport::printPending);
                association.release();
            }
            if (storage != null)
            {
                // every C-STORE-RSP went out before the final C-MOVE-RSP; let the peer release its association
                final long deadline = System.nanoTime() + 5_000_000_000L;
                while (storage.openAssociations() > 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
            }
        }
        if (storagePort != 0)
        {
            System.out.printf("%d received; ", received.get());
        }
        System.out.printf("moved to %s: completed %d, failed %d, warning %d; status 0x%04X%n", destination,
            result.completed(), result.failed(), result.warning(), result.status());
        return ScuSupport.reportRetrieve("C-MOVE", result);
    }

    private Server listen(final AtomicInteger received) throws java.io.IOException
    {
        final DirectoryStore store = new DirectoryStore(outputDirectory.toAbsolutePath().normalize(),
            DirectoryStore.Durability.RENAME, DirectoryStore.Duplicates.OVERWRITE, instance ->
            {
                received.incrementAndGet();
                System.out.println("received " + instance.path());
            });
        return network.apply(ApplicationEntity.named(aeTitle)).acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build().listen(new InetSocketAddress(storagePort));
    }
}
