using FaxGateway.Core.Model;

namespace FaxGateway.Core;

/// <summary>
/// The FAX.PLUS FaxStatus vocabulary (a closed set: clients reject other values) and the mapping from
/// the queue's outcomes onto it. Fax records store these wire values.
/// </summary>
public static class FaxStatuses
{
    public const string Success = "success";
    public const string PartiallySent = "partially_sent";
    public const string PartiallyReceived = "partially_received";
    public const string Failed = "failed";
    public const string FailedInternalProcessError = "failed_internal_process_error";
    public const string FailedUserBusy = "failed_user_busy";
    public const string FailedNoAnswer = "failed_no_answer";
    public const string FailedInvalidNumberFormat = "failed_invalid_number_format";
    public const string FailedMimetypeNotSupported = "failed_mimetype_not_supported";
    public const string FailedToSend = "failed_to_send";
    public const string FailedNormalTemporaryFailure = "failed_normal_temporary_failure";
    public const string FailedConvertToTiffIssue = "failed_convert_to_tiff_issue";

    /// <summary>Every value FAX.PLUS SDK 3.0.4 accepts.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "success", "partially_sent", "partially_received", "insufficient_credit", "failed",
        "failed_internal_process_error", "failed_user_busy", "failed_no_answer", "failed_unallocated_number",
        "failed_office_converter_issue", "failed_separate_file_pages_issue", "failed_render_header_issue",
        "failed_invalid_number_format", "failed_mimetype_not_supported", "failed_destination_not_supported",
        "failed_image_preparation", "failed_to_send", "failed_normal_temporary_failure",
        "failed_unknown_converter_issue", "failed_normal_clearing", "failed_convert_to_tiff_issue",
        "failed_fs_49", "failed_fs_2",
    };

    /// <summary>Status of a finished outgoing job.</summary>
    public static string ForOutgoing(JobState finalState, FailureKind failure, int pagesConfirmed) => finalState switch
    {
        JobState.Sent => Success,
        JobState.Cancelled => Failed,
        _ when pagesConfirmed > 0 => PartiallySent,
        _ => failure switch
        {
            FailureKind.Busy => FailedUserBusy,
            FailureKind.NoAnswer => FailedNoAnswer,
            FailureKind.NoCarrier => FailedNormalTemporaryFailure,
            FailureKind.LineFault => FailedToSend,
            FailureKind.Interrupted => FailedToSend,
            FailureKind.InvalidNumber => FailedInvalidNumberFormat,
            FailureKind.ConversionFailed => FailedConvertToTiffIssue,
            FailureKind.UnsupportedDocument => FailedMimetypeNotSupported,
            FailureKind.Internal => FailedInternalProcessError,
            _ => Failed,
        },
    };

    /// <summary>Status of a received fax.</summary>
    public static string ForIncoming(FailureKind failure, int pagesReceived) =>
        failure == FailureKind.None ? Success : pagesReceived > 0 ? PartiallyReceived : Failed;

    /// <summary>Human text for the record's description.</summary>
    public static string Describe(JobState finalState, FailureKind failure, string detail) => finalState switch
    {
        JobState.Sent => "OK",
        JobState.Cancelled => "Cancelled by the user",
        _ => string.IsNullOrEmpty(detail) ? failure.ToString() : $"{failure}: {detail}",
    };
}
