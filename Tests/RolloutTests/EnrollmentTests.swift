import Foundation
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One ticket as `GET /__emulator/tickets` lists it.
struct IssuedTicket: Decodable, Equatable {
    var ticketID: String
    var userID: String
    var sendMail: Bool
    var factor: String?

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id"
        case userID = "user_id"
        case sendMail = "send_mail"
        case factor
    }
}

extension RunningEmulator {
    /// Every enrollment ticket the emulator issued, oldest first.
    func tickets() async throws -> [IssuedTicket] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: baseURL + "/__emulator/tickets")!)
        return try JSONDecoder().decode([IssuedTicket].self, from: data)
    }
}

extension TestTenant {
    /// Every enrollment ticket the tenant issued, oldest first.
    func tickets() async throws -> [IssuedTicket] { try await emulator.tickets() }
}

@Suite("apply --enroll against the emulator")
struct EnrollmentTests {
    @Test("one ticket per user turned on, after its PATCH, emailed by default; none for disables")
    func oneTicketPerEnable() async throws {
        let enableIDs = (0..<6).map(Fixture.userID)
        let disableIDs = (6..<8).map(Fixture.userID)
        let users = enableIDs.map { Fixture.user($0, .absent) } + disableIDs.map { Fixture.user($0, .on) }
        let plan = Fixture.plan(
            enableIDs.map { Fixture.operation($0, .enable, current: .absent) }
                + disableIDs.map { Fixture.operation($0, .disable, current: .on) })
        try await withTenant(users) { tenant in
            let summary = try await tenant.apply(
                plan, options: ApplyOptions(allowDisable: true, enroll: EnrollmentOptions()))
            #expect(summary.exitCode == 0)
            let tickets = try await tenant.tickets()
            #expect(tickets.count == 6)
            #expect(Set(tickets.map(\.userID)) == Set(enableIDs))
            #expect(tickets.allSatisfy { $0.sendMail }, "send_mail is on by default")
            #expect(tickets.allSatisfy { $0.factor == nil })
            #expect(summary.tickets?.created == 6 && summary.tickets?.createdThisRun == 6)
            #expect(summary.tickets?.failed == 0 && summary.tickets?.pending == 0)

            // Each ticket's POST came after its user's PATCH, with the operation id.
            let log = await tenant.store.requests()
            for operation in plan.operations where operation.action == .enable {
                let patch = try #require(log.firstIndex { $0.method == "PATCH" && $0.correlationID == operation.id })
                let post = try #require(log.firstIndex { $0.method == "POST" && $0.correlationID == operation.id })
                #expect(patch < post)
            }
            // The journal holds each ticket's id (as issued), and nothing for the disables.
            let records = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records()
            let issued = Dictionary(uniqueKeysWithValues: tickets.map { ($0.userID, $0.ticketID) })
            for record in records {
                if record.action == .enable {
                    #expect(record.ticketStatus == .done && record.ticketAttempts == 1)
                    #expect(record.ticketID == issued[record.userID])
                } else {
                    #expect(record.ticketStatus == TicketStatus.none && record.ticketID == nil)
                }
            }
        }
    }

    @Test("a user who already enrolled a factor gets no ticket (and no second email from a second run)")
    func alreadyEnrolledGetsNone() async throws {
        let (users, plan) = Fixture.enableAll(4)
        try await withTenant(users) { tenant in
            let enrolled = plan.operations[1].userID
            var request = URLRequest(url: URL(string: tenant.emulator.baseURL + "/__emulator/enrollments")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["user_id": enrolled, "type": "otp"])
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)

            let summary = try await tenant.apply(plan, options: ApplyOptions(enroll: EnrollmentOptions()))
            #expect(summary.exitCode == 0)
            #expect(summary.tickets?.created == 3 && summary.tickets?.alreadyEnrolled == 1)
            let tickets = try await tenant.tickets()
            #expect(tickets.count == 3)
            #expect(!tickets.contains { $0.userID == enrolled })
            let record = try #require(
                try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records().first {
                    $0.userID == enrolled
                })
            #expect(record.status == .done && record.ticketStatus == .alreadyEnrolled)
        }
    }

    @Test("without --enroll no ticket is requested")
    func noEnrollNoTickets() async throws {
        let (users, plan) = Fixture.enableAll(5)
        try await withTenant(users) { tenant in
            let summary = try await tenant.apply(plan)
            #expect(summary.exitCode == 0 && summary.tickets == nil)
            #expect(try await tenant.tickets().isEmpty)
            let records = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records()
            #expect(records.allSatisfy { $0.ticketStatus == TicketStatus.none })
        }
    }

    @Test("--enroll-factor and --no-send-mail reach the request")
    func factorAndNoMail() async throws {
        let (users, plan) = Fixture.enableAll(3)
        try await withTenant(users) { tenant in
            let file = tenant.directory.appendingPathComponent("plan.json.tickets.csv").path
            let summary = try await tenant.apply(
                plan, options: ApplyOptions(enroll: EnrollmentOptions(sendMail: false, factor: .otp, ticketFile: file)))
            #expect(summary.exitCode == 0)
            let tickets = try await tenant.tickets()
            #expect(tickets.count == 3)
            #expect(tickets.allSatisfy { !$0.sendMail && $0.factor == "otp" })
            #expect(summary.tickets?.sendMail == false && summary.tickets?.ticketFile == file)
        }
    }

    @Test("resume: tickets the journal records done are never requested again")
    func resumeDoesNotRequestTwice() async throws {
        let (users, plan) = Fixture.enableAll(40)
        try await withTenant(users) { tenant in
            let options = ApplyOptions(concurrency: 2, enroll: EnrollmentOptions())
            let slow = tenant.settings(limits: RateLimit(rate: 100, burst: 1), concurrency: 2)
            let first = try await tenant.apply(plan, options: options, settings: slow) { engine in
                await waitUntil { engine.progress().ticketsCreated >= 6 }
                engine.stop()
            }
            #expect(first.ending == .stopped && first.exitCode == 1)
            let firstTickets = try await tenant.tickets()
            #expect(firstTickets.count >= 6 && firstTickets.count <= first.done)
            #expect(first.tickets?.created == firstTickets.count)
            #expect((first.tickets?.created ?? 0) + (first.tickets?.pending ?? 0) == first.done)

            let second = try await tenant.apply(plan, options: options)
            #expect(second.exitCode == 0 && second.done == 40)
            #expect(second.tickets?.created == 40 && second.tickets?.pending == 0)
            let tickets = try await tenant.tickets()
            #expect(tickets.count == 40)
            let perUser = Dictionary(grouping: tickets, by: \.userID)
            #expect(perUser.count == 40 && perUser.values.allSatisfy { $0.count == 1 }, "no user got two tickets")
            #expect(Array(tickets.prefix(firstTickets.count)) == firstTickets)

            // A third run has nothing to do: no PATCH, no ticket.
            let third = try await tenant.apply(plan, options: options)
            #expect(third.exitCode == 0 && third.tickets?.createdThisRun == 0)
            #expect(try await tenant.tickets().count == 40)
        }
    }

    @Test("a ticket left in flight by a crash is requested again; done ones are not")
    func inFlightTicketIsRequestedAgain() async throws {
        let (users, plan) = Fixture.enableAll(4)
        try await withTenant(users) { tenant in
            let options = ApplyOptions(enroll: EnrollmentOptions())
            _ = try await tenant.apply(plan, options: options)
            #expect(try await tenant.tickets().count == 4)
            // What a kill -9 between "in flight" and "done" leaves behind.
            do {
                let journal = try ApplyJournal.open(path: tenant.journalPath(), plan: plan, tenant: Fixture.tenant)
                try await journal.markTicketInFlight(2)
            }
            let again = try await tenant.apply(plan, options: options)
            #expect(again.exitCode == 0 && again.tickets?.createdThisRun == 1)
            let tickets = try await tenant.tickets()
            #expect(tickets.count == 5)
            #expect(tickets.last?.userID == plan.operations[2].userID)
        }
    }

    @Test("a failed ticket does not undo the PATCH: reported, exit 4, requested again next run")
    func failedTicket() async throws {
        let (users, plan) = Fixture.enableAll(3)
        let ghost = Fixture.userID(99)
        let ghostPlan = Fixture.plan(plan.operations + [Fixture.operation(ghost, .enable, current: .absent)])
        try await withTenant(users) { tenant in
            // The ghost's PATCH is recorded done (as if the user was deleted right after it).
            do {
                let journal = try ApplyJournal.open(path: tenant.journalPath(), plan: ghostPlan, tenant: Fixture.tenant)
                try await journal.markInFlight(3, ghostPlan.operations[3])
                try await journal.finish(
                    3,
                    OperationOutcome(
                        status: .done, attempts: 1, httpStatus: 200, error: nil, valueBefore: .absent,
                        valueBeforeObserved: false),
                    owesTicket: true)
            }
            let options = ApplyOptions(enroll: EnrollmentOptions())
            let summary = try await tenant.apply(ghostPlan, options: options)
            #expect(summary.exitCode == 4)
            #expect(summary.done == 4 && summary.failed == 0)
            #expect(summary.tickets?.created == 3 && summary.tickets?.failed == 1)
            let failure = try #require(summary.tickets?.failures.first)
            #expect(failure.userID == ghost && failure.reason.contains("404"))
            for operation in plan.operations { #expect(await tenant.flag(operation.userID) == .on) }

            let record = try #require(
                try ApplyJournal.openExisting(path: tenant.journalPath(), plan: ghostPlan).records().last)
            #expect(record.status == .done && record.ticketStatus == .failed && record.ticketError != nil)

            let again = try await tenant.apply(ghostPlan, options: options)
            #expect(again.exitCode == 4 && again.tickets?.failed == 1)
            let requests = await tenant.store.requests()
            let posts = requests.filter { $0.method == "POST" && $0.path.contains("guardian") }
            #expect(posts.count == 3, "3 tickets; the ghost's is never requested")
            let lookups = requests.filter {
                $0.method == "GET" && $0.path.hasSuffix("/enrollments") && $0.path.contains(String(format: "%024x", 99))
            }
            #expect(lookups.count == 2, "the failed one tried once in each run, stopped at its 404")
        }
    }

    @Test("a token without the ticket scope stops the run; the flags stay on and the tickets stay owed")
    func missingScope() async throws {
        let (users, plan) = Fixture.enableAll(3)
        try await withTenant(users, { $0.scopes = ["read:users", "update:users_app_metadata"] }) { tenant in
            let summary = try await tenant.apply(
                plan, options: ApplyOptions(concurrency: 1, enroll: EnrollmentOptions()))
            #expect(summary.ending == .fatalError && summary.exitCode == 1)
            #expect(summary.fatalError?.contains("403") == true)
            #expect(summary.done == 1 && summary.tickets?.pending == 1 && summary.tickets?.created == 0)
            #expect(await tenant.flag(plan.operations[0].userID) == .on)
        }
    }

    @Test("--no-send-mail: URLs go to a new 0600 file and nowhere else (journal, summary)")
    func ticketFileHoldsTheURLs() async throws {
        let (users, plan) = Fixture.enableAll(5)
        try await withTenant(users) { tenant in
            let file = tenant.directory.appendingPathComponent("plan.json.tickets.csv").path
            let options = ApplyOptions(enroll: EnrollmentOptions(sendMail: false, ticketFile: file))
            let summary = try await tenant.apply(plan, options: options)
            #expect(summary.exitCode == 0)

            var info = stat()
            #expect(stat(file, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.first == "user_id,email,ticket_url")
            #expect(lines.count == 6)
            let urls = lines.dropFirst().compactMap { $0.split(separator: ",").last.map(String.init) }
            #expect(urls.count == 5 && urls.allSatisfy { $0.contains("/mfa/enrollment?ticket=") })
            #expect(Set(urls).count == 5)
            for operation in plan.operations {
                #expect(lines.contains { $0.hasPrefix(TicketFileTests.csvField(operation.userID) + ",") })
            }

            // The journal (database and WAL) and the summary hold none of them.
            let summaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            var stored = ""
            for suffix in ["", "-wal"] {
                let path = tenant.journalPath() + suffix
                if let data = FileManager.default.contents(atPath: path) {
                    stored += String(decoding: data, as: UTF8.self)
                }
            }
            let records = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records()
            let recordsJSON = String(decoding: try JSONEncoder().encode(records), as: UTF8.self)
            for url in urls {
                let secret = String(url.split(separator: "=").last ?? "")
                #expect(!secret.isEmpty)
                #expect(!stored.contains(secret) && !summaryJSON.contains(secret) && !recordsJSON.contains(secret))
            }
            #expect(records.allSatisfy { $0.ticketStatus == .done && $0.ticketID != nil })

            // A resumed run appends to the file rather than losing the earlier URLs.
            _ = try await tenant.apply(plan, options: options)
            #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == 6)
        }
    }

    @Test("a ticket file others may read is refused before anything is sent")
    func openTicketFileRefused() async throws {
        let (users, plan) = Fixture.enableAll(2)
        try await withTenant(users) { tenant in
            let file = tenant.directory.appendingPathComponent("open.csv").path
            #expect(FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o644]))
            let options = ApplyOptions(enroll: EnrollmentOptions(sendMail: false, ticketFile: file))
            await #expect(throws: TicketFileError.tooOpen(path: file, mode: 0o644)) {
                try await tenant.apply(plan, options: options)
            }
            #expect(await tenant.store.requests().filter { $0.method == "PATCH" }.isEmpty)
            await #expect(throws: TicketFileError.noPath) {
                try await tenant.apply(plan, options: ApplyOptions(enroll: EnrollmentOptions(sendMail: false)))
            }
        }
    }
}

@Suite("ticket file")
struct TicketFileTests {
    static func csvField(_ text: String) -> String {
        text.contains(",") ? "\"\(text)\"" : text
    }

    /// The file's text after appending `tickets` to a new ticket file.
    static func written(_ tickets: [(userID: String, email: String?, url: String)]) throws -> String {
        let path = try Fixture.temporaryDirectory().appendingPathComponent("t.csv").path
        let file = try TicketFile.open(path: path)
        for ticket in tickets {
            try file.append(userID: ticket.userID, email: ticket.email, url: TicketURL(ticket.url))
        }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("fields with commas or quotes are quoted; the URL is written in full")
    func quoting() throws {
        let text = try Self.written([("auth0|a,b", "say \"hi\"@x.test", "https://t/mfa?ticket=S3CRET")])
        #expect(
            text == "user_id,email,ticket_url\n\"auth0|a,b\",\"say \"\"hi\"\"@x.test\",https://t/mfa?ticket=S3CRET\n")
        #expect(!"\(TicketURL("https://t/mfa?ticket=S3CRET"))".contains("S3CRET"))
    }

    @Test("an id or email a spreadsheet would run as a formula gets a leading ' (CSV injection)")
    func formulasNeutralised() throws {
        let text = try Self.written([
            ("=HYPERLINK(\"x\")", "+1@x.test", "https://t/mfa?ticket=A"),
            ("auth0|2", "@x.test", "https://t/mfa?ticket=B"),
        ])
        #expect(
            text
                == "user_id,email,ticket_url\n\"'=HYPERLINK(\"\"x\"\")\",\"'+1@x.test\",https://t/mfa?ticket=A\nauth0|2,\"'@x.test\",https://t/mfa?ticket=B\n"
        )
    }
}

@Suite("reconcile --auto-apply --enroll")
struct ReconcileEnrollmentTests {
    @Test("tickets for the users turned on; without email their URLs go beside the plan, mode 600")
    func reconcileEnrolls() async throws {
        let fixture = try ReconcileFixture()
        try await withTestEmulator(users: ReconcileTests.users) { emulator in
            var request = fixture.request(emulator, autoApply: true)
            request.applyOptions.enroll = EnrollmentOptions(sendMail: false, factor: .phone)
            let summary = try await Reconciler(request).run()
            #expect(summary.outcome == .applied && summary.exitCode == 0)
            #expect(summary.apply?.tickets?.created == 2 && summary.apply?.tickets?.sendMail == false)
            let planPath = try #require(summary.plan?.path)
            let ticketFile = EnrollmentOptions.defaultTicketFile(forPlan: planPath)
            #expect(summary.apply?.tickets?.ticketFile == ticketFile)
            var info = stat()
            #expect(stat(ticketFile, &info) == 0 && info.st_mode & 0o777 == 0o600)
            let lines = try String(contentsOfFile: ticketFile, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3)

            let tickets = try await emulator.tickets()
            #expect(Set(tickets.map(\.userID)) == ["auth0|staff-absent", "samlp|acme|it's@acme.com"])
            #expect(tickets.allSatisfy { !$0.sendMail && $0.factor == "phone" })
            // The run's summary file names the ticket file, never a URL.
            let written = try String(contentsOfFile: fixture.outDirectory + "/reconcile-summary.json", encoding: .utf8)
            #expect(written.contains("\"created\""))
            let metrics = try String(contentsOfFile: fixture.outDirectory + "/mfa_rollout.prom", encoding: .utf8)
            #expect(metrics.contains("mfa_rollout_enrollment_tickets{state=\"created\"} 2"))
            #expect(metrics.contains("mfa_rollout_enrollment_tickets{state=\"failed\"} 0"))
            for line in lines.dropFirst() {
                let secret = String(line.split(separator: "=").last ?? "")
                #expect(!secret.isEmpty && !written.contains(secret) && !metrics.contains(secret))
            }
        }
    }
}
