package org.dimse4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.dimse4j.testing.AllocationAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated dictionary classes: known elements and UIDs, the UID tables of the negotiation spec (§8-§11),
 * DCMTK's data dictionary as a second source, freshness of the generated files, and allocation-free VR lookup.
 */
class DictionaryTest
{
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", ""));
    private static final Path DATA_JAVA = Path.of("org", "dimse4j", "data");
    private static final String[] GENERATED_SOURCES = {"Uid.java", "StorageSopClasses.java", "Tag.java"};

    /** negotiation.md §8 and §9 that are non-retired in the 2022 registry (the HTJ2K syntaxes are newer). */
    private static final String[][] SPEC_UIDS = {
        {Uid.IMPLICIT_VR_LITTLE_ENDIAN, "1.2.840.10008.1.2"},
        {Uid.EXPLICIT_VR_LITTLE_ENDIAN, "1.2.840.10008.1.2.1"},
        {Uid.ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN, "1.2.840.10008.1.2.1.98"},
        {Uid.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, "1.2.840.10008.1.2.1.99"},
        {Uid.JPEG_BASELINE_8_BIT, "1.2.840.10008.1.2.4.50"},
        {Uid.JPEG_EXTENDED_12_BIT, "1.2.840.10008.1.2.4.51"},
        {Uid.JPEG_LOSSLESS, "1.2.840.10008.1.2.4.57"},
        {Uid.JPEG_LOSSLESS_SV1, "1.2.840.10008.1.2.4.70"},
        {Uid.JPEGLS_LOSSLESS, "1.2.840.10008.1.2.4.80"},
        {Uid.JPEGLS_NEAR_LOSSLESS, "1.2.840.10008.1.2.4.81"},
        {Uid.JPEG2000_LOSSLESS, "1.2.840.10008.1.2.4.90"},
        {Uid.JPEG2000, "1.2.840.10008.1.2.4.91"},
        {Uid.JPEG2000MC_LOSSLESS, "1.2.840.10008.1.2.4.92"},
        {Uid.JPEG2000MC, "1.2.840.10008.1.2.4.93"},
        {Uid.RLE_LOSSLESS, "1.2.840.10008.1.2.5"},
        {Uid.MPEG2MPML, "1.2.840.10008.1.2.4.100"},
        {Uid.MPEG4HP41, "1.2.840.10008.1.2.4.102"},
        {Uid.HEVCMP51, "1.2.840.10008.1.2.4.107"},
        {Uid.DICOM_APPLICATION_CONTEXT, "1.2.840.10008.3.1.1.1"},
        {Uid.VERIFICATION, "1.2.840.10008.1.1"},
        {Uid.STORAGE, "1.2.840.10008.4.2"},
        {Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND, "1.2.840.10008.5.1.4.1.2.2.1"},
        {Uid.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE, "1.2.840.10008.1.20.1.1"},
    };

    /** negotiation.md §10, as constant, UID and name. */
    private static final String[][] SPEC_STORAGE = {
        {Uid.COMPUTED_RADIOGRAPHY_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage"},
        {Uid.DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION, "1.2.840.10008.5.1.4.1.1.1.1",
            "Digital X-Ray Image Storage - For Presentation"},
        {Uid.DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PROCESSING, "1.2.840.10008.5.1.4.1.1.1.1.1",
            "Digital X-Ray Image Storage - For Processing"},
        {Uid.DIGITAL_MAMMOGRAPHY_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION, "1.2.840.10008.5.1.4.1.1.1.2",
            "Digital Mammography X-Ray Image Storage - For Presentation"},
        {Uid.DIGITAL_MAMMOGRAPHY_X_RAY_IMAGE_STORAGE_FOR_PROCESSING, "1.2.840.10008.5.1.4.1.1.1.2.1",
            "Digital Mammography X-Ray Image Storage - For Processing"},
        {Uid.CT_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.2", "CT Image Storage"},
        {Uid.ENHANCED_CT_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image Storage"},
        {Uid.ULTRASOUND_MULTI_FRAME_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.3.1",
            "Ultrasound Multi-frame Image Storage"},
        {Uid.MR_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.4", "MR Image Storage"},
        {Uid.ENHANCED_MR_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.4.1", "Enhanced MR Image Storage"},
        {Uid.ULTRASOUND_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image Storage"},
        {Uid.SECONDARY_CAPTURE_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage"},
        {Uid.MULTI_FRAME_TRUE_COLOR_SECONDARY_CAPTURE_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.7.4",
            "Multi-frame True Color Secondary Capture Image Storage"},
        {Uid.GRAYSCALE_SOFTCOPY_PRESENTATION_STATE_STORAGE, "1.2.840.10008.5.1.4.1.1.11.1",
            "Grayscale Softcopy Presentation State Storage"},
        {Uid.X_RAY_ANGIOGRAPHIC_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.12.1", "X-Ray Angiographic Image Storage"},
        {Uid.BREAST_TOMOSYNTHESIS_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.13.1.3",
            "Breast Tomosynthesis Image Storage"},
        {Uid.NUCLEAR_MEDICINE_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.20", "Nuclear Medicine Image Storage"},
        {Uid.SEGMENTATION_STORAGE, "1.2.840.10008.5.1.4.1.1.66.4", "Segmentation Storage"},
        {Uid.VL_PHOTOGRAPHIC_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.77.1.4", "VL Photographic Image Storage"},
        {Uid.BASIC_TEXT_SR_STORAGE, "1.2.840.10008.5.1.4.1.1.88.11", "Basic Text SR Storage"},
        {Uid.ENHANCED_SR_STORAGE, "1.2.840.10008.5.1.4.1.1.88.22", "Enhanced SR Storage"},
        {Uid.COMPREHENSIVE_SR_STORAGE, "1.2.840.10008.5.1.4.1.1.88.33", "Comprehensive SR Storage"},
        {Uid.KEY_OBJECT_SELECTION_DOCUMENT_STORAGE, "1.2.840.10008.5.1.4.1.1.88.59",
            "Key Object Selection Document Storage"},
        {Uid.ENCAPSULATED_PDF_STORAGE, "1.2.840.10008.5.1.4.1.1.104.1", "Encapsulated PDF Storage"},
        {Uid.POSITRON_EMISSION_TOMOGRAPHY_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.128",
            "Positron Emission Tomography Image Storage"},
        {Uid.RT_IMAGE_STORAGE, "1.2.840.10008.5.1.4.1.1.481.1", "RT Image Storage"},
        {Uid.RT_DOSE_STORAGE, "1.2.840.10008.5.1.4.1.1.481.2", "RT Dose Storage"},
        {Uid.RT_STRUCTURE_SET_STORAGE, "1.2.840.10008.5.1.4.1.1.481.3", "RT Structure Set Storage"},
        {Uid.RT_BEAMS_TREATMENT_RECORD_STORAGE, "1.2.840.10008.5.1.4.1.1.481.4",
            "RT Beams Treatment Record Storage"},
        {Uid.RT_PLAN_STORAGE, "1.2.840.10008.5.1.4.1.1.481.5", "RT Plan Storage"},
        {Uid.RT_ION_PLAN_STORAGE, "1.2.840.10008.5.1.4.1.1.481.8", "RT Ion Plan Storage"},
    };

    /** negotiation.md §9 and §11: not storage classes. */
    private static final String[] NOT_STORAGE = {
        "1.2.840.10008.1.1", "1.2.840.10008.4.2", "1.2.840.10008.3.1.1.1",
        "1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.1.2.1.2", "1.2.840.10008.5.1.4.1.2.1.3",
        "1.2.840.10008.5.1.4.1.2.2.1", "1.2.840.10008.5.1.4.1.2.2.2", "1.2.840.10008.5.1.4.1.2.2.3",
        "1.2.840.10008.5.1.4.1.2.3.1", "1.2.840.10008.5.1.4.1.2.3.2", "1.2.840.10008.5.1.4.1.2.3.3",
        "1.2.840.10008.5.1.4.1.2.4.2", "1.2.840.10008.5.1.4.1.2.4.3", "1.2.840.10008.5.1.4.1.2.5.3",
        "1.2.840.10008.5.1.4.31", "1.2.840.10008.1.20.1", "1.2.840.10008.1.20.1.1",
        "1.2.840.10008.3.1.2.3.3", "1.2.840.10008.3.1.2.3.4", "1.2.840.10008.3.1.2.3.5", "1.2.840.10008.5.1.4.33",
        "1.2.840.10008.5.1.4.1.1.200.4", "1.2.840.10008.1.3.10", "1.2.840.10008.1.2",
    };

    private static long sink;

    @Test
    void knownElements()
    {
        assertElement(Tag.PATIENT_NAME, 0x00100010, VR.PN, "PatientName", "Patient's Name");
        assertElement(Tag.PIXEL_DATA, 0x7FE00010, VR.OB, "PixelData", "Pixel Data");
        assertElement(Tag.SOP_INSTANCE_UID, 0x00080018, VR.UI, "SOPInstanceUID", "SOP Instance UID");
        assertElement(Tag.AFFECTED_SOP_CLASS_UID, 0x00000002, VR.UI, "AffectedSOPClassUID",
            "Affected SOP Class UID");
        assertElement(Tag.TRANSFER_SYNTAX_UID, 0x00020010, VR.UI, "TransferSyntaxUID", "Transfer Syntax UID");
        assertElement(Tag.SMALLEST_IMAGE_PIXEL_VALUE, 0x00280106, VR.US, "SmallestImagePixelValue",
            "Smallest Image Pixel Value");
        assertElement(Tag.ITEM, 0xFFFEE000, VR.NONE, "Item", "Item");

        assertTrue(ElementDictionary.allowsVr(Tag.PIXEL_DATA, VR.OW));
        assertTrue(ElementDictionary.allowsVr(Tag.PIXEL_DATA, VR.OB));
        assertFalse(ElementDictionary.allowsVr(Tag.PIXEL_DATA, VR.UN));
        assertTrue(ElementDictionary.allowsVr(Tag.SMALLEST_IMAGE_PIXEL_VALUE, VR.SS));
        assertFalse(ElementDictionary.allowsVr(Tag.PATIENT_NAME, VR.LO));
        assertTrue(ElementDictionary.allowsVr(Tag.ITEM, VR.NONE));
        assertFalse(ElementDictionary.allowsVr(Tag.PATIENT_NAME, VR.NONE));

        // the retired "(0028,0020) OB Retired-blank" has no keyword
        assertNull(ElementDictionary.keyword(0x00280020));
        assertEquals(VR.OB, ElementDictionary.vr(0x00280020));
        assertEquals(-1, ElementDictionary.tagOf("NoSuchKeyword"));
        assertEquals(-1, ElementDictionary.tagOf(null));
    }

    @Test
    void repeatingGroupsPrivateAndUnknownTags()
    {
        for (final int overlay : new int[] {0x60003000, 0x60023000, 0x601E3000})
        {
            assertEquals(VR.OB, ElementDictionary.vr(overlay), Integer.toHexString(overlay));
            assertTrue(ElementDictionary.allowsVr(overlay, VR.OW));
            assertEquals("OverlayData", ElementDictionary.keyword(overlay));
            assertEquals("Overlay Data", ElementDictionary.name(overlay));
        }
        assertEquals(0x60003000, ElementDictionary.tagOf("OverlayData"));
        assertEquals(VR.US, ElementDictionary.vr(0x60020010));
        assertEquals("OverlayRows", ElementDictionary.keyword(0x60020010));
        assertEquals(VR.SS, ElementDictionary.vr(0x60040050));
        assertEquals(VR.US, ElementDictionary.vr(0x50020005));
        assertEquals("CurveDimensions", ElementDictionary.keyword(0x50020005));
        assertEquals(VR.CS, ElementDictionary.vr(0x00203105));
        assertEquals("SourceImageIDs", ElementDictionary.keyword(0x00203105));

        // private: odd groups; data elements are UN, creators LO, group length UL; no keyword
        assertEquals(VR.UN, ElementDictionary.vr(0x00091010));
        assertEquals(VR.UN, ElementDictionary.vr(0x60013000));
        assertEquals(VR.UN, ElementDictionary.vr(0x7FE11010));
        assertEquals(VR.LO, ElementDictionary.vr(0x00290010));
        assertEquals(VR.LO, ElementDictionary.vr(0x000900FF));
        assertEquals(VR.UL, ElementDictionary.vr(0x00090000));
        assertNull(ElementDictionary.keyword(0x00091010));
        assertNull(ElementDictionary.name(0x60013000));
        assertTrue(ElementDictionary.allowsVr(0x00091010, VR.UN));

        // unknown even-group tags, illegal groups, group length
        assertEquals(VR.UN, ElementDictionary.vr(0x00100001));
        assertEquals(VR.UN, ElementDictionary.vr(0x00030010));
        assertEquals(VR.UL, ElementDictionary.vr(0x00080000));
        assertNull(ElementDictionary.keyword(0x00100001));
    }

    @Test
    void vrCodes()
    {
        assertEquals(('P' << 8) | 'N', VR.PN);
        assertEquals("PN", VR.name(VR.PN));
        assertEquals("NONE", VR.name(VR.NONE));
        assertNull(VR.name(('Z' << 8) | 'Z'));
        assertEquals(VR.OB, VR.of("OB"));
        assertEquals(-1, VR.of("ob"));
        assertEquals(-1, VR.of("OBX"));
    }

    @Test
    void uidsOfTheNegotiationSpec()
    {
        for (final String[] row : SPEC_UIDS)
        {
            assertEquals(row[1], row[0]);
        }
        assertEquals("1.2.840.10008.5.1.4.1.1.2", Uid.CT_IMAGE_STORAGE);
        assertEquals("CT Image Storage", Uid.name(Uid.CT_IMAGE_STORAGE));
        assertEquals("CTImageStorage", Uid.keyword(Uid.CT_IMAGE_STORAGE));
        assertEquals("Verification SOP Class", Uid.name("1.2.840.10008.1.1"));
        assertEquals("DICOM Application Context Name", Uid.name("1.2.840.10008.3.1.1.1"));
        assertEquals("Storage Service Class", Uid.name("1.2.840.10008.4.2"));
        assertEquals("Implicit VR Little Endian", Uid.name(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        // retired: no constant, but name() and keyword() know it
        assertEquals("Explicit VR Big Endian", Uid.name("1.2.840.10008.1.2.2"));
        assertEquals("ExplicitVRBigEndian", Uid.keyword("1.2.840.10008.1.2.2"));
        assertEquals("Patient/Study Only Query/Retrieve Information Model - FIND",
            Uid.name("1.2.840.10008.5.1.4.1.2.3.1"));
        assertNull(Uid.name("1.2.3.4"));
        assertNull(Uid.keyword(null));
    }

    @Test
    void storageSopClasses()
    {
        for (final String[] row : SPEC_STORAGE)
        {
            assertEquals(row[1], row[0]);
            assertEquals(row[2], Uid.name(row[1]));
            assertTrue(StorageSopClasses.ALL.contains(row[1]), row[2]);
            assertTrue(StorageSopClasses.isStorage(row[1]), row[2]);
        }
        for (final String uid : NOT_STORAGE)
        {
            assertFalse(StorageSopClasses.isStorage(uid), uid);
            assertFalse(StorageSopClasses.ALL.contains(uid), uid);
        }
        assertFalse(StorageSopClasses.isStorage(null));
        assertTrue(StorageSopClasses.isStorage(Uid.HANGING_PROTOCOL_STORAGE));
        for (final String uid : StorageSopClasses.ALL)
        {
            assertTrue(Uid.name(uid).contains("Storage"), uid);
        }
        assertEquals(StorageSopClasses.ALL.size(), StorageSopClasses.ALL.stream().distinct().count());
    }

    @Test
    void agreesWithDcmtkDictionary() throws IOException
    {
        final Path dic = findDcmtkDictionary();
        if (dic == null)
        {
            if ("true".equals(System.getenv("CI")))
            {
                fail("DCMTK's dicom.dic not found (install libdcmtk17); CI=true");
            }
            assumeTrue(false, "DCMTK's dicom.dic not found");
        }
        final List<String> differences = new ArrayList<>();
        int compared = 0;
        final List<String> onlyDcmtk = new ArrayList<>();
        for (final String line : Files.readAllLines(dic, StandardCharsets.ISO_8859_1))
        {
            final String[] f = line.split("\t");
            if (line.startsWith("#") || f.length < 5 || !f[4].startsWith("DICOM") || f[0].contains("-o-") ||
                f[0].contains("-u-"))
            {
                continue;
            }
            final int tag = firstTagOf(f[0]);
            if (ElementDictionary.keyword(tag) == null && ElementDictionary.name(tag) == null)
            {
                onlyDcmtk.add(f[0] + " " + f[2]);
                continue;
            }
            compared++;
            final int[] theirs = dcmtkVrs(f[1]);
            final int ours = ElementDictionary.vr(tag);
            // agree: our first VR is one of theirs, or theirs is one of the several we allow (OW of "OB or OW")
            boolean agree = theirs.length == 1 && ElementDictionary.allowsVr(tag, theirs[0]);
            for (final int vr : theirs)
            {
                agree |= vr == ours;
            }
            if (!agree)
            {
                differences.add(f[0] + " " + f[2] + ": DCMTK " + f[1] + ", ours " + VR.name(ours));
            }
        }
        System.out.printf("DCMTK %s: %d tags compared, %d VRs differ; only in DCMTK (newer than our 2022 data): %s%n",
            dic, compared, differences.size(), onlyDcmtk);
        differences.forEach(d -> System.out.println("  " + d));
        assertTrue(compared > 4000, "compared only " + compared);
        assertTrue(differences.isEmpty(), "VR differences with DCMTK: " + differences);
    }

    @Test
    void generatedSourcesAreUpToDate(@TempDir final Path out) throws Exception
    {
        final Path generator = BASEDIR.resolve("src/build/java/org/dimse4j/build/DictionaryGenerator.java");
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process process = new ProcessBuilder(java.toString(), generator.toString(),
            BASEDIR.resolve("src/main/dicom").toString(), out.resolve("java").toString(),
            out.resolve("resources").toString())
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "generator did not finish");
        assertEquals(0, process.exitValue(), output);

        final Map<Path, Path> pairs = new LinkedHashMap<>();
        for (final String source : GENERATED_SOURCES)
        {
            pairs.put(out.resolve("java").resolve(DATA_JAVA).resolve(source),
                BASEDIR.resolve("src/main/java").resolve(DATA_JAVA).resolve(source));
        }
        pairs.put(out.resolve("resources").resolve(DATA_JAVA).resolve("elements.tsv"),
            BASEDIR.resolve("src/main/resources").resolve(DATA_JAVA).resolve("elements.tsv"));
        try (Stream<Path> files = Files.walk(out))
        {
            assertEquals(pairs.size(), files.filter(Files::isRegularFile).count(), "generator wrote other files");
        }
        for (final Map.Entry<Path, Path> pair : pairs.entrySet())
        {
            final byte[] fresh = Files.readAllBytes(pair.getKey());
            assertTrue(fresh.length < 1 << 20, pair.getKey() + " is 1 MiB or more");
            assertArrayEquals(fresh, Files.readAllBytes(pair.getValue()),
                pair.getValue() + " is out of date: run scripts/generate-dictionary.sh");
        }
    }

    @Test
    void vrLookupDoesNotAllocate()
    {
        final int[] tags = {
            Tag.PATIENT_NAME, Tag.PIXEL_DATA, Tag.SOP_INSTANCE_UID, Tag.ITEM, 0x60023000, 0x50020005, 0x00091010,
            0x00090010, 0x00080000, 0x00100001, 0xFFFFFFFF, 0x00000000, Tag.STUDY_INSTANCE_UID, 0x00203101,
        };
        final Runnable round = () ->
        {
            int sum = 0;
            for (int i = 0; i < 200_000; i++)
            {
                sum += ElementDictionary.vr(tags[i % tags.length]);
            }
            sink += sum;
        };
        AllocationAssert.assertNoAllocation("ElementDictionary.vr(int) x 200k", round);
        assertTrue(sink != 0);
    }

    private static void assertElement(
        final int constant, final int tag, final int vr, final String keyword, final String name)
    {
        assertEquals(tag, constant, keyword);
        assertEquals(vr, ElementDictionary.vr(tag), keyword + " VR " + VR.name(ElementDictionary.vr(tag)));
        assertTrue(ElementDictionary.allowsVr(tag, vr), keyword);
        assertEquals(keyword, ElementDictionary.keyword(tag));
        assertEquals(name, ElementDictionary.name(tag));
        assertEquals(tag, ElementDictionary.tagOf(keyword));
    }

    private static Path findDcmtkDictionary() throws IOException
    {
        final String env = System.getenv("DCMDICTPATH");
        final List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isEmpty())
        {
            candidates.add(Path.of(env.split(":")[0]));
        }
        for (final String root : new String[] {"/usr/share", "/usr/local/share"})
        {
            if (Files.isDirectory(Path.of(root)))
            {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of(root), "*dcmtk*"))
                {
                    dirs.forEach(d -> candidates.add(d.resolve("dicom.dic")));
                }
            }
        }
        return candidates.stream().filter(Files::isRegularFile).sorted(Comparator.reverseOrder()).findFirst()
            .orElse(null);
    }

    /** (gggg,eeee), or a range such as (6000-60FF,3000) or (0020,3100-31FF): its first tag. */
    private static int firstTagOf(final String spec)
    {
        final String[] parts = spec.substring(1, spec.length() - 1).split(",");
        final int group = Integer.parseInt(parts[0].split("-")[0], 16);
        final int element = Integer.parseInt(parts[1].split("-")[0], 16);
        return group << 16 | element;
    }

    /** DCMTK's VRs, its pseudo VRs expanded (ox, px: OB or OW; xs: US or SS; lt: US, SS or OW; up: UL; na). */
    private static int[] dcmtkVrs(final String vr)
    {
        switch (vr)
        {
            case "ox":
            case "px":
                return new int[] {VR.OB, VR.OW};
            case "xs":
                return new int[] {VR.US, VR.SS};
            case "lt":
                return new int[] {VR.US, VR.SS, VR.OW};
            case "up":
                return new int[] {VR.UL};
            case "na":
                return new int[] {VR.NONE};
            default:
                final int code = VR.of(vr);
                if (code < 0)
                {
                    throw new IllegalArgumentException("unknown DCMTK VR " + vr);
                }
                return new int[] {code};
        }
    }
}
