package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.service.StorageListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code storescp PORT}: a Storage SCP writing each received instance, as received, into a directory archive, as
 * DCMTK's storescp. It answers C-ECHO too.
 */
@Command(name = "storescp", mixinStandardHelpOptions = true,
    description = {"Storage SCP: stores received instances (C-STORE) as Part 10 files named by SOP Instance UID, "
        + "data sets exactly as received; answers C-ECHO. Runs until interrupted (Ctrl-C)."})
final class StoreScp implements Callable<Integer>
{
    /** Where instances go unless -od says otherwise. */
    static final String DEFAULT_DIRECTORY = "./dimse4j-data/archive";

    /** What to do with an instance stored before. */
    enum DuplicateMode
    {
        overwrite(DirectoryStore.Duplicates.OVERWRITE),
        keep(DirectoryStore.Duplicates.KEEP),
        reject(DirectoryStore.Duplicates.REJECT);

        final DirectoryStore.Duplicates value;

        DuplicateMode(final DirectoryStore.Duplicates value)
        {
            this.value = value;
        }
    }

    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "STORESCP";

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIRECTORY",
        description = "Archive directory, created if missing (default: ${DEFAULT-VALUE}).")
    Path outputDirectory = Path.of(DEFAULT_DIRECTORY);

    @Option(names = {"--fsync"},
        description = "fsync each file before renaming it into place and answering Success (survives a power loss).")
    boolean fsync;

    @Option(names = {"--by-series"},
        description = "File instances as STUDY_UID/SERIES_UID/SOP_INSTANCE_UID.dcm (default: flat, SOP_INSTANCE_UID.dcm).")
    boolean bySeries;

    @Option(names = {"--check-identity"},
        description = "Refuse (0xA900) a data set whose SOP Class/Instance UID differ from its C-STORE-RQ's.")
    boolean checkIdentity;

    @Option(names = {"--duplicates"}, paramLabel = "MODE",
        description = "An instance already stored: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DuplicateMode duplicates = DuplicateMode.overwrite;

    @Option(names = {"-pm", "--promiscuous", "--accept-all"},
        description = "Also accept SOP classes we do not know (e.g. private storage SOP classes).")
    boolean promiscuous;

    @Option(names = {"--create-ahead"}, paramLabel = "N",
        description = "Keep N empty temporary files created ahead by a background thread, so the file create is off "
            + "the I/O thread (0: each instance creates its own; default: ${DEFAULT-VALUE}).")
    int createAhead = 64;

    @Option(names = {"-v", "--verbose"}, description = "Print a line for each stored instance.")
    boolean verbose;

    @Mixin
    AcceptorOptions acceptor;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final StorageListener listener = verbose ? instance -> System.out.printf(
            "stored %s (%s, %s) from %s: %d bytes -> %s%n", instance.sopInstanceUid(), named(instance.sopClassUid()),
            named(instance.transferSyntaxUid()), instance.callingAeTitle(), instance.dataSetLength(), instance.path())
            : null;
        final DirectoryStore store = new DirectoryStore(outputDirectory.toAbsolutePath().normalize(),
            fsync ? DirectoryStore.Durability.FSYNC_RENAME : DirectoryStore.Durability.RENAME, duplicates.value,
            listener).layout(bySeries ? DirectoryStore.Layout.STUDY_SERIES_INSTANCE : DirectoryStore.Layout.FLAT)
            .checkIdentity(checkIdentity).createAhead(createAhead);
        final ApplicationEntity.Builder builder = acceptor.apply(network.apply(ApplicationEntity.named(aeTitle)))
            .acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, store);
        if (promiscuous)
        {
            builder.acceptAny(TransferSyntax.ALL_KNOWN);
        }
        final ApplicationEntity ae = builder.build();
        final InetSocketAddress address = acceptor.address(port);
        return Serving.untilStopped(ae, address,
            port -> aeTitle + " listening on port " + port + ", archive " + store.root(), null, store);
    }

    /** @return a UID's keyword, or the UID when it is not registered. */
    static String named(final String uid)
    {
        final String keyword = Uid.keyword(uid);
        return keyword != null ? keyword : uid;
    }
}
