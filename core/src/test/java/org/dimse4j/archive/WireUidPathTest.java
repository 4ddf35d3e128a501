package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Nothing from the wire becomes a path without validation: a C-STORE-RQ whose Affected SOP Instance UID is a path
 * ("../", "/etc/passwd", a UID with a slash or a leading-zero component) sent over a real socket is answered 0x0117
 * (Invalid SOP Instance, PS3.7 C.5.12); no file appears anywhere under the temporary directory, inside the archive or
 * beside it; and the server goes on storing valid instances. The study/series layout checks the UIDs it reads from
 * the data set too (0xC000).
 */
@Timeout(60)
class WireUidPathTest
{
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"../../escaped", "/etc/passwd", "1.2.3/../../../escaped", "..", "1.2.03.4", "1.2..3",
        "C:\\escaped", "1.2.3\u0000x"})
    void shouldRefuseASopInstanceUidThatIsNotAUid(final String uid) throws Exception
    {
        final Path archive = temp.resolve("a").resolve("archive");
        final DirectoryStore store = DirectoryStore.of(archive);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build().connect(
                "127.0.0.1", server.port(), "ARCHIVE", ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            final List<Path> before = filesUnder(temp);
            final MessageQueue.ReceivedMessage rsp = store(assoc, uid);
            assertEquals(CommandField.C_STORE_RSP, rsp.command().commandField());
            assertEquals(Status.INVALID_OBJECT_INSTANCE, rsp.command().status(), "for '" + uid + "'");
            assertTrue(rsp.command().errorComment().contains("not a valid UID"), rsp.command().errorComment());
            assertEquals(before, filesUnder(temp), "no file made anywhere");
            assertEquals(0, store.storedCount());

            final MessageQueue.ReceivedMessage ok = store(assoc, "1.2.3.4.5");
            assertEquals(Status.SUCCESS, ok.command().status(), "the same association still stores");
            assertTrue(Files.isRegularFile(archive.resolve("1.2.3.4.5.dcm")));
        }
    }

    @Test
    void shouldRefuseStudyAndSeriesUidsThatAreNotUidsInTheLayout() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final DirectoryStore store = DirectoryStore.of(archive).layout(DirectoryStore.Layout.STUDY_SERIES_INSTANCE);
        final Path evil = temp.resolve("evil.dcm");
        SyntheticInstance.write(evil, CT, "1.2.3.4.5.6", "../../../escaped", "/etc", 64);
        final Path good = temp.resolve("good.dcm");
        SyntheticInstance.write(good, CT, "1.2.3.4.5.7", "1.2.3.4", "1.2.3.4.5", 64);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build().connect(
                "127.0.0.1", server.port(), "ARCHIVE", ContextRequest.of(CT, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                    TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))))
        {
            assertEquals(Status.CANNOT_UNDERSTAND, assoc.store(evil));
            assertEquals(Status.SUCCESS, assoc.store(good));
        }
        try (Stream<Path> all = Files.walk(temp))
        {
            assertEquals(List.of(archive.resolve("1.2.3.4").resolve("1.2.3.4.5").resolve("1.2.3.4.5.7.dcm")),
                all.filter(p -> p.toString().endsWith(".dcm") && p.startsWith(archive)).toList());
        }
        assertFalse(Files.exists(temp.resolve("escaped")));
        assertEquals(0, countFiles(archive.resolve(".incoming")), "no temporary file left");
    }

    private static MessageQueue.ReceivedMessage store(final ClientAssociation assoc, final String uid)
        throws IOException
    {
        final UnsafeBuffer dataSet = new UnsafeBuffer(new byte[] {
            0x08, 0x00, 0x60, 0x00, 0x02, 0x00, 0x00, 0x00, 'C', 'T'});
        assoc.beginMsg(1)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, CT)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
            .putUS(CommandElement.MESSAGE_ID, assoc.nextMessageId())
            .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
            .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, uid);
        assoc.sendMsg(dataSet, 0, dataSet.capacity());
        final MessageQueue.ReceivedMessage rsp = assoc.getMsg(true);
        assertNotNull(rsp, "a C-STORE-RSP within the DIMSE timeout");
        return rsp;
    }

    private static List<Path> filesUnder(final Path dir) throws IOException
    {
        try (Stream<Path> all = Files.walk(dir))
        {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static long countFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.count();
        }
    }
}
