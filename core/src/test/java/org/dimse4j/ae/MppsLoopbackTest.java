package org.dimse4j.ae;

import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our MPPS SCU against our MPPS SCP over loopback: the life of a step (N-CREATE IN PROGRESS, N-SET, N-SET
 * COMPLETED, then refused), the refusals of PS3.4 F.7.2, N-GET on MPPS Retrieve, and the instances kept as Part 10
 * files across a restart.
 */
@Timeout(60)
class MppsLoopbackTest
{
    @TempDir
    Path dir;

    private static ClientAssociation connect(final Server server) throws IOException
    {
        return ApplicationEntity.named("MODALITY").dimseTimeoutMs(10_000).build().connect("127.0.0.1", server.port(),
            "RIS", ContextRequest.of(Uid.MODALITY_PERFORMED_PROCEDURE_STEP),
            ContextRequest.of(Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE));
    }

    private static Server serve(final MppsService mpps) throws IOException
    {
        return ApplicationEntity.named("RIS").acceptMpps(mpps).build().listen(new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void shouldRunAStepFromInProgressToCompletedAndThenRefuseUpdates() throws IOException
    {
        final MppsService mpps = MppsService.inDirectory(dir);
        final String uid;
        try (Server server = serve(mpps); ClientAssociation assoc = connect(server))
        {
            final DataSet patient = new DataSet().putString(Tag.PATIENT_NAME, "DOE^JOHN")
                .putString(Tag.PATIENT_ID, "P1");
            NResponse r = MppsScu.create(assoc, null, MppsScu.inProgress("MODALITY", patient));
            assertEquals(Status.SUCCESS, r.status());
            uid = r.sopInstanceUid();
            assertNotNull(uid, "the SCP assigned the instance");
            assertEquals(List.of(uid), mpps.instanceUids());
            assertEquals("DOE^JOHN", mpps.instance(uid).string(Tag.PATIENT_NAME));

            r = MppsScu.set(assoc, uid, new DataSet().putString(Tag.PERFORMED_PROCEDURE_STEP_DESCRIPTION, "CHEST"));
            assertEquals(Status.SUCCESS, r.status());
            assertEquals(MppsService.IN_PROGRESS, mpps.instance(uid).string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));

            final DataSet series = new DataSet();
            series.addItem(Tag.PERFORMED_SERIES_SEQUENCE).putString(Tag.SERIES_INSTANCE_UID, "1.2.3.4");
            r = MppsScu.set(assoc, uid, MppsScu.ending(MppsService.COMPLETED, series));
            assertEquals(Status.SUCCESS, r.status());

            r = MppsScu.set(assoc, uid, MppsScu.ending(MppsService.DISCONTINUED, null));
            assertEquals(Status.PROCESSING_FAILURE, r.status(), "a COMPLETED step may no longer be updated");
            assertEquals(MppsService.ERROR_ID_MAY_NO_LONGER_BE_UPDATED, r.errorId());
            assertEquals("Performed Procedure Step Object may no longer be updated", r.errorComment());

            r = assoc.nGet(Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE, uid,
                Tag.PERFORMED_PROCEDURE_STEP_STATUS, Tag.PERFORMED_PROCEDURE_STEP_DESCRIPTION, Tag.PATIENT_ID,
                Tag.PERFORMED_SERIES_SEQUENCE, Tag.STUDY_DESCRIPTION);
            assertEquals(Status.SUCCESS, r.status());
            final DataSet got = r.attributes();
            assertEquals(MppsService.COMPLETED, got.string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));
            assertEquals("CHEST", got.string(Tag.PERFORMED_PROCEDURE_STEP_DESCRIPTION));
            assertEquals("P1", got.string(Tag.PATIENT_ID));
            assertEquals("1.2.3.4", got.sequence(Tag.PERFORMED_SERIES_SEQUENCE).get(0)
                .string(Tag.SERIES_INSTANCE_UID));
            assertTrue(got.contains(Tag.STUDY_DESCRIPTION), "an attribute the step lacks comes back empty");
            assertEquals("", got.string(Tag.STUDY_DESCRIPTION));
        }
        assertTrue(Files.exists(dir.resolve(uid + ".dcm")));
        final MppsService restarted = MppsService.inDirectory(dir);
        assertEquals(List.of(uid), restarted.instanceUids());
        assertEquals(MppsService.COMPLETED, restarted.instance(uid).string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));
        assertEquals("CHEST", restarted.instance(uid).string(Tag.PERFORMED_PROCEDURE_STEP_DESCRIPTION));
        try (Server server = serve(restarted); ClientAssociation assoc = connect(server))
        {
            assertEquals(Status.PROCESSING_FAILURE,
                MppsScu.set(assoc, uid, MppsScu.ending(MppsService.COMPLETED, null)).status(),
                "still final after a restart");
        }
    }

    @Test
    void shouldRefuseWhatPs34AnnexFForbids() throws IOException
    {
        final MppsService mpps = new MppsService();
        try (Server server = serve(mpps); ClientAssociation assoc = connect(server))
        {
            final String uid = "1.2.826.0.1.3680043.2.1125.9.55";
            NResponse r = MppsScu.create(assoc, uid, MppsScu.inProgress("MODALITY",
                new DataSet().putString(Tag.PERFORMED_PROCEDURE_STEP_STATUS, MppsService.COMPLETED)));
            assertEquals(Status.INVALID_ATTRIBUTE_VALUE, r.status(), "N-CREATE must start IN PROGRESS");
            assertEquals(MppsService.COMPLETED, r.attributes().string(Tag.PERFORMED_PROCEDURE_STEP_STATUS),
                "the offending value comes back");

            final DataSet noStatus = MppsScu.inProgress("MODALITY", null);
            noStatus.remove(Tag.PERFORMED_PROCEDURE_STEP_STATUS);
            r = MppsScu.create(assoc, uid, noStatus);
            assertEquals(Status.MISSING_ATTRIBUTE, r.status());
            assertArrayEquals(new int[] {Tag.PERFORMED_PROCEDURE_STEP_STATUS}, r.attributeIdentifiers());

            assertEquals(Status.MISSING_ATTRIBUTE, MppsScu.create(assoc, uid, null).status());
            assertEquals(Status.INVALID_OBJECT_INSTANCE,
                MppsScu.create(assoc, "1.02.x", MppsScu.inProgress("MODALITY", null)).status());

            assertEquals(Status.SUCCESS, MppsScu.create(assoc, uid, MppsScu.inProgress("MODALITY", null)).status());
            r = MppsScu.create(assoc, uid, MppsScu.inProgress("MODALITY", null));
            assertEquals(Status.DUPLICATE_SOP_INSTANCE, r.status());

            assertEquals(Status.INVALID_ATTRIBUTE_VALUE, MppsScu.set(assoc, uid,
                new DataSet().putString(Tag.PERFORMED_PROCEDURE_STEP_STATUS, "PAUSED")).status());
            assertEquals(Status.NO_SUCH_SOP_INSTANCE, MppsScu.set(assoc, uid + ".1",
                MppsScu.ending(MppsService.COMPLETED, null)).status());
            assertEquals(Status.NO_SUCH_SOP_INSTANCE,
                assoc.nGet(Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE, uid + ".1").status());
            assertEquals(Status.UNRECOGNIZED_OPERATION,
                assoc.nDelete(Uid.MODALITY_PERFORMED_PROCEDURE_STEP, uid).status(), "MPPS has no N-DELETE");
            assertEquals(Status.SUCCESS, MppsScu.set(assoc, uid,
                MppsScu.ending(MppsService.DISCONTINUED, null)).status());
            assertEquals(MppsService.DISCONTINUED, mpps.instance(uid).string(Tag.PERFORMED_PROCEDURE_STEP_STATUS));
            assertEquals(Status.PROCESSING_FAILURE, MppsScu.set(assoc, uid,
                new DataSet().putString(Tag.PATIENT_NAME, "LATE^EDIT")).status());
        }
    }
}
