package org.dimse4j.archive;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.data.TransferSyntax;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link BoundedHeapTest}: serves, sends the given file to itself, and
 * exits 0 only when the C-STORE answered Success.
 */
public final class BoundedHeapMain
{
    private BoundedHeapMain()
    {
    }

    /**
     * @param args the Part 10 file to send, the archive directory, the SOP class.
     * @throws Exception on any failure (non-zero exit).
     */
    public static void main(final String[] args) throws Exception
    {
        final DirectoryStore store = DirectoryStore.of(Path.of(args[1]));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").maxPduLength(131072)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").maxPduLength(131072).dimseTimeoutMs(60_000)
                .build().connect("127.0.0.1", server.port(), "ARCHIVE",
                    ContextRequest.of(args[2], TransferSyntax.DEFAULT)))
        {
            final int status = assoc.store(Path.of(args[0]));
            assoc.release();
            System.out.println("status " + status + " max heap " + Runtime.getRuntime().maxMemory());
            System.exit(status == 0 ? 0 : 2);
        }
    }
}
