package org.dimse4j.dimse;

/**
 * Values of Status (0000,0900) and their classes (PS3.7 Annex C, PS3.4; status.md).
 * <p>
 * Classes follow the Annex C table, which is also what DCMTK's {@code DICOM_*_STATUS} macros compute:
 * <ul>
 *   <li>Success: 0x0000;</li>
 *   <li>Pending: 0xFF00, 0xFF01 (the only non-final statuses);</li>
 *   <li>Cancel: 0xFE00;</li>
 *   <li>Warning: 0x0001, 0xBxxx, 0x0107, 0x0116;</li>
 *   <li>Failure: 0xAxxx, 0xCxxx, 0x01xx except 0x0107 and 0x0116, 0x02xx.</li>
 * </ul>
 * Any other value is invalid ({@link #isValid(int)} is false); the standard says to treat it as a failure on
 * receipt, so {@link #isFailure(int)} is true for it.
 */
public final class Status
{
    /** Success. */
    public static final int SUCCESS = 0x0000;
    /** Pending: matches or sub-operations are continuing. */
    public static final int PENDING = 0xFF00;
    /** Pending with warning: C-FIND optional keys not supported. */
    public static final int PENDING_WARNING = 0xFF01;
    /** Cancel: terminated due to a C-CANCEL. */
    public static final int CANCEL = 0xFE00;

    /** Warning (service-class specific), e.g. requested optional attributes not supported. */
    public static final int WARNING = 0x0001;
    /** Warning: attribute list error. */
    public static final int ATTRIBUTE_LIST_ERROR = 0x0107;
    /** Warning: attribute value out of range. */
    public static final int ATTRIBUTE_VALUE_OUT_OF_RANGE = 0x0116;

    /** Failure: no such attribute. */
    public static final int NO_SUCH_ATTRIBUTE = 0x0105;
    /** Failure: invalid attribute value. */
    public static final int INVALID_ATTRIBUTE_VALUE = 0x0106;
    /** Failure: processing failure. */
    public static final int PROCESSING_FAILURE = 0x0110;
    /** Failure: duplicate SOP instance. */
    public static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    /** Failure: no such SOP instance. */
    public static final int NO_SUCH_SOP_INSTANCE = 0x0112;
    /** Failure: no such event type. */
    public static final int NO_SUCH_EVENT_TYPE = 0x0113;
    /** Failure: no such argument. */
    public static final int NO_SUCH_ARGUMENT = 0x0114;
    /** Failure: invalid argument value. */
    public static final int INVALID_ARGUMENT_VALUE = 0x0115;
    /** Failure: invalid SOP instance (UID violates construction rules). */
    public static final int INVALID_OBJECT_INSTANCE = 0x0117;
    /** Failure: no such SOP class. */
    public static final int NO_SUCH_SOP_CLASS = 0x0118;
    /** Failure: class-instance conflict. */
    public static final int CLASS_INSTANCE_CONFLICT = 0x0119;
    /** Failure: missing attribute. */
    public static final int MISSING_ATTRIBUTE = 0x0120;
    /** Failure: missing attribute value. */
    public static final int MISSING_ATTRIBUTE_VALUE = 0x0121;
    /** Failure: refused, SOP class not supported. */
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** Failure: no such action type. */
    public static final int NO_SUCH_ACTION_TYPE = 0x0123;
    /** Failure: refused, not authorized. */
    public static final int NOT_AUTHORIZED = 0x0124;
    /** Failure: duplicate invocation (Message ID already in use). */
    public static final int DUPLICATE_INVOCATION = 0x0210;
    /** Failure: unrecognized operation. */
    public static final int UNRECOGNIZED_OPERATION = 0x0211;
    /** Failure: mistyped argument. */
    public static final int MISTYPED_ARGUMENT = 0x0212;
    /** Failure: resource limitation. */
    public static final int RESOURCE_LIMITATION = 0x0213;

    /** Storage/Q-R failure: refused, out of resources (first code of A700-A7FF). */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** C-MOVE/C-GET failure: out of resources, unable to calculate number of matches. */
    public static final int OUT_OF_RESOURCES_NUMBER_OF_MATCHES = 0xA701;
    /** C-MOVE/C-GET failure: out of resources, unable to perform sub-operations. */
    public static final int OUT_OF_RESOURCES_SUB_OPERATIONS = 0xA702;
    /** C-MOVE failure: refused, Move Destination unknown. */
    public static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    /** Failure: data set does not match SOP class (first code of A900-A9FF). */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Storage failure "cannot understand" / Q-R failure "unable to process" (first code of C000-CFFF). */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** C-STORE warning: coercion of data elements; C-GET/C-MOVE warning: sub-operations complete with failures. */
    public static final int COERCION_OF_DATA_ELEMENTS = 0xB000;
    /** C-GET/C-MOVE warning: sub-operations complete, one or more failures (same code as coercion). */
    public static final int SUB_OPERATIONS_COMPLETE_WITH_FAILURES = 0xB000;
    /** C-STORE warning: elements discarded. */
    public static final int ELEMENTS_DISCARDED = 0xB006;
    /** C-STORE warning: data set does not match SOP class. */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS_WARNING = 0xB007;

    private Status()
    {
    }

    /**
     * @param status a Status value.
     * @return true for 0x0000.
     */
    public static boolean isSuccess(final int status)
    {
        return status == SUCCESS;
    }

    /**
     * @param status a Status value.
     * @return true for 0xFF00 and 0xFF01, the only non-final statuses.
     */
    public static boolean isPending(final int status)
    {
        return status == PENDING || status == PENDING_WARNING;
    }

    /**
     * @param status a Status value.
     * @return true for 0xFE00.
     */
    public static boolean isCancel(final int status)
    {
        return status == CANCEL;
    }

    /**
     * @param status a Status value.
     * @return true for 0x0001, 0xBxxx, 0x0107 and 0x0116.
     */
    public static boolean isWarning(final int status)
    {
        return (status & 0xF000) == 0xB000 || status == WARNING || status == ATTRIBUTE_LIST_ERROR ||
            status == ATTRIBUTE_VALUE_OUT_OF_RANGE;
    }

    /**
     * Failure in the Annex C sense (0xAxxx, 0xCxxx, 0x01xx except the two warnings, 0x02xx) <em>or</em> an invalid
     * code, which the standard says to treat as a failure on receipt.
     *
     * @param status a Status value.
     * @return true unless the status is success, pending, cancel or warning.
     */
    public static boolean isFailure(final int status)
    {
        return !isSuccess(status) && !isPending(status) && !isCancel(status) && !isWarning(status);
    }

    /**
     * @param status a Status value.
     * @return true if the code lies in one of the Annex C classes; false for codes such as 0x0002, 0x0300, 0xD000.
     */
    public static boolean isValid(final int status)
    {
        final int high = status & 0xF000;
        final int high8 = status & 0xFF00;
        return isSuccess(status) || isPending(status) || isCancel(status) || isWarning(status) ||
            high == 0xA000 || high == 0xC000 || high8 == 0x0100 || high8 == 0x0200;
    }

    /**
     * @param status a Status value.
     * @return true for every status except Pending: the operation ends with this response.
     */
    public static boolean isFinal(final int status)
    {
        return !isPending(status);
    }

    /**
     * Text for log lines; allocation-free for listed codes. Codes in the service-specific ranges get the generic
     * meaning of their range, since the exact meaning depends on the service class.
     *
     * @param status a Status value.
     * @return a short description.
     */
    public static String describe(final int status)
    {
        switch (status)
        {
            case SUCCESS: return "Success";
            case PENDING: return "Pending";
            case PENDING_WARNING: return "Pending (warning: optional keys not supported)";
            case CANCEL: return "Cancel";
            case WARNING: return "Warning";
            case ATTRIBUTE_LIST_ERROR: return "Warning: Attribute list error";
            case ATTRIBUTE_VALUE_OUT_OF_RANGE: return "Warning: Attribute value out of range";
            case NO_SUCH_ATTRIBUTE: return "Failure: No such attribute";
            case INVALID_ATTRIBUTE_VALUE: return "Failure: Invalid attribute value";
            case PROCESSING_FAILURE: return "Failure: Processing failure";
            case DUPLICATE_SOP_INSTANCE: return "Failure: Duplicate SOP instance";
            case NO_SUCH_SOP_INSTANCE: return "Failure: No such SOP instance";
            case NO_SUCH_EVENT_TYPE: return "Failure: No such event type";
            case NO_SUCH_ARGUMENT: return "Failure: No such argument";
            case INVALID_ARGUMENT_VALUE: return "Failure: Invalid argument value";
            case INVALID_OBJECT_INSTANCE: return "Failure: Invalid SOP instance";
            case NO_SUCH_SOP_CLASS: return "Failure: No such SOP class";
            case CLASS_INSTANCE_CONFLICT: return "Failure: Class-instance conflict";
            case MISSING_ATTRIBUTE: return "Failure: Missing attribute";
            case MISSING_ATTRIBUTE_VALUE: return "Failure: Missing attribute value";
            case SOP_CLASS_NOT_SUPPORTED: return "Refused: SOP class not supported";
            case NO_SUCH_ACTION_TYPE: return "Failure: No such action type";
            case NOT_AUTHORIZED: return "Refused: Not authorized";
            case DUPLICATE_INVOCATION: return "Failure: Duplicate invocation";
            case UNRECOGNIZED_OPERATION: return "Failure: Unrecognized operation";
            case MISTYPED_ARGUMENT: return "Failure: Mistyped argument";
            case RESOURCE_LIMITATION: return "Failure: Resource limitation";
            case OUT_OF_RESOURCES_NUMBER_OF_MATCHES:
                return "Refused: Out of resources (unable to calculate number of matches)";
            case OUT_OF_RESOURCES_SUB_OPERATIONS: return "Refused: Out of resources (unable to perform sub-operations)";
            case MOVE_DESTINATION_UNKNOWN: return "Refused: Move destination unknown";
            case COERCION_OF_DATA_ELEMENTS: return "Warning: Coercion of data elements / sub-operations with failures";
            case ELEMENTS_DISCARDED: return "Warning: Elements discarded";
            case DATA_SET_DOES_NOT_MATCH_SOP_CLASS_WARNING: return "Warning: Data set does not match SOP class";
            default: return describeRange(status);
        }
    }

    private static String describeRange(final int status)
    {
        final int high = status & 0xF000;
        final int high8 = status & 0xFF00;
        if (high8 == 0xA700)
        {
            return "Refused: Out of resources";
        }
        if (high8 == 0xA900)
        {
            return "Error: Data set does not match SOP class";
        }
        if (high8 == 0xAA00)
        {
            return "Failure: Frame-level retrieve error";
        }
        if (high == 0xA000)
        {
            return "Failure (service-specific)";
        }
        if (high == 0xC000)
        {
            return "Error: Cannot understand / Unable to process";
        }
        if (high == 0xB000)
        {
            return "Warning (service-specific)";
        }
        if (high8 == 0x0100 || high8 == 0x0200)
        {
            return "Failure";
        }
        return "Invalid status code";
    }
}
