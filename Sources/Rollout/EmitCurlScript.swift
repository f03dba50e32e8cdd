import Foundation
import MFARollout

/// A POSIX `sh` script that sends the requests with `curl`, paced to a rate.
///
/// - `set -eu`; the token comes from `$AUTH0_TOKEN` and the script stops at once when it is
///   unset. The token reaches curl on standard input (`--config -`, written by the shell's
///   built-in `printf`), so it never appears on a command line (`ps`) or in the script.
/// - Every request is spelled out: `curl --fail-with-body -sS -X PATCH --retry 3 -H … --data-binary '…' 'URL'`.
///   `--retry 3` re-sends on 429, 408 and 5xx (honouring `Retry-After`): safe, since every
///   request sets a fixed value.
///   Every value is single-quoted; user ids only appear percent-encoded in URLs and, when
///   they hold only plain characters (`ShellQuoting.isPlain`), single-quoted in progress
///   messages. The script passes `shellcheck`, whatever the ids hold.
/// - Pacing uses only whole-second `sleep` (POSIX): groups of `max(1, ⌊rate⌋)` requests, each
///   followed by `sleep ⌈group / rate⌉`, so the rate is never exceeded (the time the requests
///   take only slows it further). A sleep follows the last group too, so batch files run one
///   after another stay within the rate.
/// - The first failed request stops the script, naming the operation; re-running the file is
///   harmless (each request sets the flag to a fixed value).
package enum EmitCurlScript {
    /// Requests per group and seconds slept after each group for `rate` requests a second.
    package static func pacing(rate: Double) -> (group: Int, sleepSeconds: Int) {
        let group = max(1, Int(min(rate, 1_000_000).rounded(.down)))
        let seconds = max(1, Int((Double(group) / rate).rounded(.up)))
        return (group, seconds)
    }

    /// Writes the script for `requests` (`count` of them).
    /// - Parameters:
    ///   - origin: `https://TENANT.auth0.com`.
    ///   - rate: requests a second at most (> 0).
    ///   - header: comment lines describing the batch (fingerprint, batch number); must not
    ///     hold data from the export.
    ///   - label: names the batch in messages (`batch 1/3`).
    static func write(
        _ requests: some Sequence<EmittedRequest>, count: Int, origin: String, rate: Double, header: [String],
        label: String, to output: inout EmitOutput
    ) throws {
        let (group, seconds) = pacing(rate: rate)
        let q = ShellQuoting.quote
        var lines: [String] = ["#!/bin/sh"]
        lines += header.map { "# " + $0.replacingOccurrences(of: "\n", with: " ") }
        lines += [
            "# \(count) PATCH request(s) to \(origin)/api/v2/users/…, at most \(formatRate(rate)) a second",
            "# (groups of \(group), then sleep \(seconds)).",
            "# Needs AUTH0_TOKEN: a Management API token with scope update:users_app_metadata",
            "# (update:users for user_metadata). It is never written to this file or a command line.",
            "# Re-running is harmless: each request sets the flag to a fixed value.",
            "set -eu",
            "",
            "if [ -z \"${AUTH0_TOKEN:-}\" ]; then",
            "  printf '%s\\n' \(q("mfa-rollout \(label): AUTH0_TOKEN is not set; export a Management API token first (nothing was sent)")) >&2",
            "  exit 1",
            "fi",
            "case \"$AUTH0_TOKEN\" in",
            "  *[!A-Za-z0-9._~+/=-]*)",
            "    printf '%s\\n' \(q("mfa-rollout \(label): AUTH0_TOKEN holds characters a bearer token cannot have (nothing was sent)")) >&2",
            "    exit 1 ;;",
            "esac",
            "if ! command -v curl >/dev/null 2>&1; then",
            "  printf '%s\\n' \(q("mfa-rollout \(label): curl is not installed (nothing was sent)")) >&2",
            "  exit 1",
            "fi",
            "",
            "mfa_rollout_failed() {",
            "  printf 'mfa-rollout %s: operation %s (%s) failed; the operations before it were sent. Fix the cause and re-run this file.\\n' \(q(label)) \"$1\" \"$2\" >&2",
            "  exit 1",
            "}",
            "",
        ]
        for line in lines { try output.append(line + "\n") }
        for (offset, request) in requests.enumerated() {
            let number = "\(offset + 1)/\(count)"
            // An id of plain characters names itself; any other is named by its percent-encoded
            // path, so the script holds no `$`, quote, backslash or control character from the data.
            let who = ShellQuoting.isPlain(request.userID) ? request.userID : request.path
            var block = [
                "printf '%s\\n' \(q("[\(number)] \(request.operationID) \(request.action.rawValue) \(who)")) >&2",
                "printf 'header = \"Authorization: Bearer %s\"\\n' \"$AUTH0_TOKEN\" |",
                "  curl --fail-with-body -sS -X PATCH --retry 3 --config - -w '\\n' \\",
                "    -H 'Content-Type: application/json' \\",
                "    -H \(q("X-Correlation-ID: \(request.correlationID)")) \\",
                "    --data-binary \(q(request.body)) \\",
                "    \(q(origin + request.path)) ||",
                "  mfa_rollout_failed \(q(number)) \(q(request.operationID))",
            ]
            if (offset + 1) % group == 0 || offset + 1 == count {
                block.append("sleep \(seconds)")
            }
            for line in block { try output.append(line + "\n") }
        }
        try output.append("printf '%s\\n' \(q("mfa-rollout \(label): \(count) request(s) sent")) >&2\n")
    }

    static func formatRate(_ rate: Double) -> String {
        rate.rounded() == rate && rate < 1e15 ? String(Int64(rate)) : String(rate)
    }
}
