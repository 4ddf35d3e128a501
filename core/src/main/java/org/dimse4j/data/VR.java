package org.dimse4j.data;

/**
 * Value representations (PS3.5 §6.2) as int codes: the two ASCII characters packed big-endian, e.g.
 * {@code PN = ('P' << 8) | 'N'}, which is also how the two VR bytes of an explicit-VR element read as a big-endian
 * short. {@link #NONE} (0) stands for the items and delimitation items of group FFFE, which have no VR.
 */
public final class VR
{
    /** No VR: Item, Item Delimitation Item and Sequence Delimitation Item (FFFE,E000/E00D/E0DD). */
    public static final int NONE = 0;

    /** AE: Application Entity. */
    public static final int AE = ('A' << 8) | 'E';

    /** AS: Age String. */
    public static final int AS = ('A' << 8) | 'S';

    /** AT: Attribute Tag. */
    public static final int AT = ('A' << 8) | 'T';

    /** CS: Code String. */
    public static final int CS = ('C' << 8) | 'S';

    /** DA: Date. */
    public static final int DA = ('D' << 8) | 'A';

    /** DS: Decimal String. */
    public static final int DS = ('D' << 8) | 'S';

    /** DT: Date Time. */
    public static final int DT = ('D' << 8) | 'T';

    /** FD: Floating Point Double. */
    public static final int FD = ('F' << 8) | 'D';

    /** FL: Floating Point Single. */
    public static final int FL = ('F' << 8) | 'L';

    /** IS: Integer String. */
    public static final int IS = ('I' << 8) | 'S';

    /** LO: Long String. */
    public static final int LO = ('L' << 8) | 'O';

    /** LT: Long Text. */
    public static final int LT = ('L' << 8) | 'T';

    /** OB: Other Byte. */
    public static final int OB = ('O' << 8) | 'B';

    /** OD: Other Double. */
    public static final int OD = ('O' << 8) | 'D';

    /** OF: Other Float. */
    public static final int OF = ('O' << 8) | 'F';

    /** OL: Other Long. */
    public static final int OL = ('O' << 8) | 'L';

    /** OV: Other 64-bit Very Long. */
    public static final int OV = ('O' << 8) | 'V';

    /** OW: Other Word. */
    public static final int OW = ('O' << 8) | 'W';

    /** PN: Person Name. */
    public static final int PN = ('P' << 8) | 'N';

    /** SH: Short String. */
    public static final int SH = ('S' << 8) | 'H';

    /** SL: Signed Long. */
    public static final int SL = ('S' << 8) | 'L';

    /** SQ: Sequence of Items. */
    public static final int SQ = ('S' << 8) | 'Q';

    /** SS: Signed Short. */
    public static final int SS = ('S' << 8) | 'S';

    /** ST: Short Text. */
    public static final int ST = ('S' << 8) | 'T';

    /** SV: Signed 64-bit Very Long. */
    public static final int SV = ('S' << 8) | 'V';

    /** TM: Time. */
    public static final int TM = ('T' << 8) | 'M';

    /** UC: Unlimited Characters. */
    public static final int UC = ('U' << 8) | 'C';

    /** UI: Unique Identifier (UID). */
    public static final int UI = ('U' << 8) | 'I';

    /** UL: Unsigned Long. */
    public static final int UL = ('U' << 8) | 'L';

    /** UN: Unknown. */
    public static final int UN = ('U' << 8) | 'N';

    /** UR: Universal Resource Identifier or Universal Resource Locator (URI/URL). */
    public static final int UR = ('U' << 8) | 'R';

    /** US: Unsigned Short. */
    public static final int US = ('U' << 8) | 'S';

    /** UT: Unlimited Text. */
    public static final int UT = ('U' << 8) | 'T';

    /** UV: Unsigned 64-bit Very Long. */
    public static final int UV = ('U' << 8) | 'V';

    private VR()
    {
    }

    /**
     * @param vr a VR code.
     * @return its two letters, {@code "NONE"} for {@link #NONE}, or null if it is not a VR of PS3.5.
     */
    public static String name(final int vr)
    {
        switch (vr)
        {
            case AE:
                return "AE";
            case AS:
                return "AS";
            case AT:
                return "AT";
            case CS:
                return "CS";
            case DA:
                return "DA";
            case DS:
                return "DS";
            case DT:
                return "DT";
            case FD:
                return "FD";
            case FL:
                return "FL";
            case IS:
                return "IS";
            case LO:
                return "LO";
            case LT:
                return "LT";
            case OB:
                return "OB";
            case OD:
                return "OD";
            case OF:
                return "OF";
            case OL:
                return "OL";
            case OV:
                return "OV";
            case OW:
                return "OW";
            case PN:
                return "PN";
            case SH:
                return "SH";
            case SL:
                return "SL";
            case SQ:
                return "SQ";
            case SS:
                return "SS";
            case ST:
                return "ST";
            case SV:
                return "SV";
            case TM:
                return "TM";
            case UC:
                return "UC";
            case UI:
                return "UI";
            case UL:
                return "UL";
            case UN:
                return "UN";
            case UR:
                return "UR";
            case US:
                return "US";
            case UT:
                return "UT";
            case UV:
                return "UV";
            case NONE:
                return "NONE";
            default:
                return null;
        }
    }

    /**
     * @param name two letters such as {@code "PN"}, or {@code "NONE"}.
     * @return the VR code, or -1 if {@code name} is not a VR of PS3.5.
     */
    public static int of(final CharSequence name)
    {
        if (name == null)
        {
            return -1;
        }
        if (name.length() == 4 && "NONE".contentEquals(name))
        {
            return NONE;
        }
        if (name.length() != 2)
        {
            return -1;
        }
        final int vr = (name.charAt(0) << 8) | name.charAt(1);
        return vr != NONE && name(vr) != null ? vr : -1;
    }
}
