package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.StorageSopClasses;
import org.dimse4j.data.Uid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code getscu HOST PORT -k KEY=VALUE... -od DIR}: the Query/Retrieve C-GET SCU, as DCMTK's getscu (Study Root by
 * default, Patient Root with {@code -P}). Proposes the GET context and, with the SCP role (role selection), storage
 * contexts for the common storage SOP classes in Explicit and Implicit VR Little Endian; the instances arrive as
 * C-STORE sub-operations on the same association, and each data set streams as it arrives into a temporary file
 * under the output directory's {@code .incoming/}, renamed to {@code <SOP Instance UID>.dcm} once complete (so an
 * instance of any size needs no more memory than a PDU, and an interrupted one leaves no file). Exits 0 only on
 * Success.
 */
@Command(name = "getscu", mixinStandardHelpOptions = true,
    description = "Query/Retrieve C-GET SCU: sends one C-GET-RQ built from -k keys and stores what arrives.")
final class GetScu implements Callable<Integer>
{
    /** Most storage contexts proposed: 128 contexts in all, less the GET context (one spare). */
    static final int MAX_STORAGE_CONTEXTS = 126;

    /** Proposed first: the storage classes most archives hold. */
    private static final List<String> COMMON = List.of(
        Uid.CT_IMAGE_STORAGE, Uid.ENHANCED_CT_IMAGE_STORAGE, Uid.MR_IMAGE_STORAGE, Uid.ENHANCED_MR_IMAGE_STORAGE,
        Uid.COMPUTED_RADIOGRAPHY_IMAGE_STORAGE, Uid.DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
        Uid.DIGITAL_MAMMOGRAPHY_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION, Uid.ULTRASOUND_IMAGE_STORAGE,
        Uid.ULTRASOUND_MULTI_FRAME_IMAGE_STORAGE, Uid.SECONDARY_CAPTURE_IMAGE_STORAGE,
        Uid.X_RAY_ANGIOGRAPHIC_IMAGE_STORAGE, Uid.NUCLEAR_MEDICINE_IMAGE_STORAGE,
        Uid.POSITRON_EMISSION_TOMOGRAPHY_IMAGE_STORAGE, Uid.RT_IMAGE_STORAGE, Uid.RT_DOSE_STORAGE,
        Uid.RT_STRUCTURE_SET_STORAGE, Uid.RT_PLAN_STORAGE, Uid.ENCAPSULATED_PDF_STORAGE,
        Uid.GRAYSCALE_SOFTCOPY_PRESENTATION_STATE_STORAGE, Uid.BASIC_TEXT_SR_STORAGE, Uid.ENHANCED_SR_STORAGE,
        Uid.COMPREHENSIVE_SR_STORAGE, Uid.KEY_OBJECT_SELECTION_DOCUMENT_STORAGE);

    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "GETSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Mixin
    ModelOptions model;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY=VALUE",
        description = "A key: QueryRetrieveLevel and the unique keys (keyword or gggg,eeee) with their values.")
    List<String> keys = new ArrayList<>();

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIRECTORY",
        description = "Where received instances are written (default: ${DEFAULT-VALUE}).")
    Path outputDirectory = Path.of(".");

    @Mixin
    NetworkOptions network;

    /**
     * @return the storage SOP classes proposed: the common ones first, then the others, at most
     * {@link #MAX_STORAGE_CONTEXTS}.
     */
    static List<String> storageClasses()
    {
        final Set<String> classes = new LinkedHashSet<>(COMMON);
        for (final String uid : StorageSopClasses.ALL)
        {
            if (classes.size() >= MAX_STORAGE_CONTEXTS)
            {
                break;
            }
            classes.add(uid);
        }
        return List.copyOf(classes);
    }

    @Override
    public Integer call() throws Exception
    {
        final String sopClass = model.sopClass(Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET,
            Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET);
        final DataSet identifier = FindScu.identifier(keys);
        final List<ContextRequest> contexts = new ArrayList<>(ScuSupport.littleEndianContext(sopClass));
        for (final String storage : storageClasses())
        {
            contexts.add(ContextRequest.retrieveStorage(storage, ScuSupport.LITTLE_ENDIAN));
        }
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).build();
        final ClientAssociation.GetResult result;
        try (ClientAssociation association = ae.connect(host, port, calledAeTitle, contexts, null))
        {
            result = association.get(sopClass, identifier, outputDirectory, ScuSupport::printPending);
            association.release();
        }
        for (final Path file : result.received())
        {
            System.out.println("received " + file);
        }
        System.out.printf("%d received; completed %d, failed %d, warning %d; status 0x%04X%n",
            result.received().size(), result.completed(), result.failed(), result.warning(), result.status());
        return ScuSupport.reportRetrieve("C-GET", result);
    }
}
