import Foundation
import MFARollout
import ManagementAPI

/// How `emit` writes a plan.
package struct EmitOptions: Sendable {
    package var format: EmitFormat
    /// Operations per file; nil puts them all in one file.
    package var batchSize: Int?
    /// The tenant the URLs name (HAR, curl). Default: the placeholder `YOUR_TENANT.auth0.com`.
    package var endpoint: ManagementEndpoint
    /// curl scripts: requests a second at most. Default 2 (safe on Auth0's Free plan).
    package var rate: Double

    /// The domain written when none is given.
    package static let placeholderDomain = "YOUR_TENANT.auth0.com"
    /// Free plan: 2 requests a second.
    package static let defaultRate = 2.0

    package init(
        format: EmitFormat, batchSize: Int? = nil, endpoint: ManagementEndpoint? = nil,
        rate: Double = EmitOptions.defaultRate
    ) {
        self.format = format
        self.batchSize = batchSize
        // The placeholder is a valid domain.
        self.endpoint = endpoint ?? (try! ManagementEndpoint(domain: Self.placeholderDomain))
        self.rate = rate
    }
}

/// One file `emit` writes: `ops-0001.ndjson`, `ops-0002.ndjson`, …
///
/// Rendered when it is written, a piece at a time: a plan of a few hundred thousand
/// operations never has all its requests, or a whole file, in memory.
package struct EmitFile: Sendable {
    package var name: String
    /// Which operations of the plan it holds (indexes into `plan.operations`).
    package var operations: Range<Int>
    private let requests: EmittedRequests.Batch
    private let options: EmitOptions
    /// The comment and label naming the batch (no export data).
    private let comment: String
    private let label: String
    private let startedAt: Date

    fileprivate init(
        name: String, requests: EmittedRequests.Batch, options: EmitOptions, comment: String, label: String,
        startedAt: Date
    ) {
        self.name = name
        operations = requests.range
        self.requests = requests
        self.options = options
        self.comment = comment
        self.label = label
        self.startedAt = startedAt
    }

    /// Renders the file and hands its bytes to `sink` in order, in pieces of about 64 KiB.
    /// - Throws: what `sink` throws.
    package func write(to sink: ([UInt8]) throws -> Void) throws {
        try withoutActuallyEscaping(sink) { sink in
            var output = EmitOutput(sink: sink)
            try render(to: &output)
            if let error = requests.failure.error { throw EmitError.planUnreadable(error) }
            try output.flush()
        }
    }

    private func render(to output: inout EmitOutput) throws {
        let origin = options.endpoint.origin
        switch options.format {
        case .ndjson:
            try EmitNDJSON.write(requests, to: &output)
        case .har:
            try EmitHAR.write(requests, origin: origin, startedAt: startedAt, comment: comment, to: &output)
        case .curl:
            try EmitCurlScript.write(
                requests, count: requests.count, origin: origin, rate: options.rate, header: [comment], label: label,
                to: &output)
        }
    }

    /// The whole file at once (for small plans and tests; `write(to:)` streams it).
    package var bytes: [UInt8] {
        var bytes: [UInt8] = []
        // Appending to an array cannot fail.
        try? write { bytes.append(contentsOf: $0) }
        return bytes
    }
}

/// Turns a plan into request files for other tooling (NDJSON, HAR, curl script): `mfa-rollout emit`.
package enum Emitter {
    /// The files for `plan`, in order; none when the plan has no operations. Every operation
    /// is checked here; the files' contents are rendered when they are written.
    /// - Throws: ``EmitError/planNotApplicable(tripped:)`` for a plan whose guards tripped,
    ///   ``EmitError/invalidOperation(index:operationID:reason:)`` for an edited operation,
    ///   ``EmitError/invalidOption(_:)`` for a batch size below 1 or a rate that is not > 0.
    package static func render(_ plan: some PlanOperationSource, options: EmitOptions) throws(EmitError)
        -> [EmitFile]
    {
        if let size = options.batchSize, size < 1 {
            throw .invalidOption("--batch-size must be at least 1, not \(size)")
        }
        guard options.rate > 0, options.rate.isFinite else {
            throw .invalidOption("--rate must be a number of requests a second above 0, not \(options.rate)")
        }
        let requests = try EmittedRequests(plan)
        guard !requests.isEmpty else { return [] }
        let size = options.batchSize ?? requests.count
        let batches = stride(from: 0, to: requests.count, by: size).map { $0..<min($0 + size, requests.count) }
        return batches.enumerated().map { number, range in
            EmitFile(
                name: fileName(batch: number + 1, format: options.format),
                requests: requests.batch(range), options: options,
                comment:
                    "mfa-rollout emit: plan \(plan.outline.fingerprint), batch \(number + 1) of \(batches.count), operations \(range.lowerBound + 1)-\(range.upperBound) of \(requests.count)",
                label: "batch \(number + 1)/\(batches.count)",
                startedAt: plan.outline.producer.createdAt)
        }
    }

    /// `ops-0001.ndjson`
    package static func fileName(batch: Int, format: EmitFormat) -> String {
        let digits = String(batch)
        return "ops-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "." + format.fileExtension
    }

    /// Writes `files` into `directory` (created if missing), each atomically and mode 0644.
    /// Refuses a directory that already holds batch files of this format: a stale
    /// `ops-0007.sh` from a larger earlier plan must not be run by mistake.
    /// - Returns: the paths written.
    @discardableResult
    package static func write(_ files: [EmitFile], format: EmitFormat, into directory: String) throws(EmitError)
        -> [String]
    {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let existing = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter {
            isBatchFile($0, format: format)
        }.sorted()
        if let first = existing.first {
            throw .outputNotEmpty(
                directory: directory, existing: existing.count == 1 ? first : "\(first) and \(existing.count - 1) more")
        }
        var written: [String] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do {
                try AtomicFile.write(to: path, permissions: 0o644) { sink in try file.write(to: sink) }
            } catch {
                throw .cannotWrite(path: path, reason: "\(error)")
            }
            // 0644 whatever the umask: these files are meant to be shared with other tooling.
            chmod(path, 0o644)
            written.append(path)
        }
        return written
    }

    /// `ops-NNNN.EXT` with at least four digits.
    static func isBatchFile(_ name: String, format: EmitFormat) -> Bool {
        let suffix = "." + format.fileExtension
        guard name.hasPrefix("ops-"), name.hasSuffix(suffix) else { return false }
        let digits = name.dropFirst(4).dropLast(suffix.count)
        return digits.count >= 4 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
