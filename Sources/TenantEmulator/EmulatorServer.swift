import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A running-or-ready emulated Auth0 tenant.
///
/// ```swift
/// var configuration = EmulatorConfiguration()
/// configuration.port = 0
/// configuration.seed = .generated(count: 50, seed: 1)
/// try await EmulatorServer.withRunning(configuration: configuration) { emulator in
///     // talk to emulator.baseURL …
/// }
/// ```
package struct EmulatorServer: Sendable {
    /// The configuration it was made with.
    package let configuration: EmulatorConfiguration
    /// The tenant's users and request log; tests read and edit it directly.
    package let store: TenantStore

    /// Loads the users: from ``EmulatorConfiguration/stateFile`` when that file exists, else
    /// from ``EmulatorConfiguration/seed``.
    package init(configuration: EmulatorConfiguration) throws {
        var configuration = configuration
        var table = UserTable()
        if let stateFile = configuration.stateFile, FileManager.default.fileExists(atPath: stateFile) {
            do {
                try StateFile.forEachUser(inFile: stateFile) { table.put($0) }
            } catch {
                throw EmulatorError.unreadableState(path: stateFile, reason: "\(error)")
            }
        } else {
            switch configuration.seed {
            case .empty: break
            case .users(let given): for user in given { table.put(user) }
            case .generated(let count, let seed):
                table.reserveCapacity(count)
                UserGenerator(seed: seed).forEachUser(count: count) { table.put($0) }
            case .exportFile(let path): table = try UserSeed.table(fromExport: path)
            }
        }
        if case .generated = configuration.seed, configuration.memberships.isEmpty {
            let users = table
            configuration.memberships = MembershipSeed.derived(from: (0..<users.count).lazy.map { users.user(at: $0) })
        }
        self.configuration = configuration
        store = TenantStore(table: table, clock: configuration.clock)
    }

    /// Serves until the surrounding task is cancelled or, with `handleSignals`, until SIGINT or
    /// SIGTERM; then saves the users to the state file, if one is configured.
    /// `onListening` receives the bound port (the real one when the configured port is 0).
    package func run(handleSignals: Bool = false, onListening: @escaping @Sendable (Int) -> Void = { _ in })
        async throws
    {
        try await run(serviceGroup(handleSignals: handleSignals, onListening: onListening))
    }

    /// The Hummingbird application inside a service group (graceful shutdown on the signals).
    private func serviceGroup(handleSignals: Bool, onListening: @escaping @Sendable (Int) -> Void) -> ServiceGroup {
        let tenant = Tenant(configuration: configuration, store: store)
        var logger = Logger(label: "mfa-rollout.emulator")
        logger.logLevel = .warning
        let port = configuration.port
        let app = Application(
            router: EmulatorRouter.build(tenant: tenant),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
        return ServiceGroup(
            configuration: .init(
                services: [app],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
    }

    private func run(_ group: ServiceGroup) async throws {
        do {
            try await group.run()
        } catch {
            // Cancelling the surrounding task also stops the server.
            guard Task.isCancelled else { throw error }
        }
        if let stateFile = configuration.stateFile {
            try await store.save(to: stateFile)
        }
    }

    /// Builds a server from `configuration` and runs it (see ``run(handleSignals:onListening:)``).
    package static func run(
        configuration: EmulatorConfiguration,
        handleSignals: Bool = false,
        onListening: @escaping @Sendable (Int) -> Void
    ) async throws {
        try await EmulatorServer(configuration: configuration).run(
            handleSignals: handleSignals, onListening: onListening)
    }

    /// Starts a server, runs `body` once it listens, then stops it (and saves state, if any).
    /// Use port 0 in tests.
    package static func withRunning<T: Sendable>(
        configuration: EmulatorConfiguration,
        _ body: @Sendable (RunningEmulator) async throws -> T
    ) async throws -> T {
        let server = try EmulatorServer(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let services = server.serviceGroup(handleSignals: false) { port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await server.run(services)
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw EmulatorError.notStarted
            }
            let running = RunningEmulator(host: configuration.host, port: port, store: server.store)
            do {
                let result = try await body(running)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// A server listening, as ``EmulatorServer/withRunning(configuration:_:)`` hands it over.
package struct RunningEmulator: Sendable {
    /// The bound interface.
    package let host: String
    /// The bound port.
    package let port: Int
    /// The tenant's users and request log.
    package let store: TenantStore

    /// `http://HOST:PORT`.
    package var baseURL: String { "http://\(host):\(port)" }
    /// The Management API base, `http://HOST:PORT/api/v2`, also the token audience (with a `/`).
    package var apiURL: String { baseURL + "/api/v2" }
}

/// Why the emulator could not start.
package enum EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state file exists but does not hold a JSON array of users.
    case unreadableState(path: String, reason: String)
    /// The export CSV could not be read.
    case unreadableExport(path: String, reason: String)
    /// The server stopped before it listened.
    case notStarted

    package var description: String {
        switch self {
        case .unreadableState(let path, let reason): "cannot read emulator state \(path): \(reason)"
        case .unreadableExport(let path, let reason): "cannot read export \(path): \(reason)"
        case .notStarted: "the emulator stopped before it listened"
        }
    }
}
