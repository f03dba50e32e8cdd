// swift-tools-version:6.1
import PackageDescription

// The commit `mfa-rollout --version` names: set MFA_ROLLOUT_COMMIT when building (the release
// and package scripts take it from git); without it the binary says "unknown commit". Only
// letters, digits, '.', '-' and '_' are kept, so the value is always a plain C string literal.
let buildCommit = String(
    (Context.environment["MFA_ROLLOUT_COMMIT"] ?? "")
        .filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }.prefix(64))

let package = Package(
    name: "mfa-rollout",
    platforms: [.macOS(.v14)],
    // The command-line tool is the product. Its libraries share their API with each other
    // through `package` access: none of it is offered, or kept stable, for other packages.
    products: [
        .executable(name: "mfa-rollout", targets: ["mfa-rollout"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // libcsv, from Debian's libcsv-dev.
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // libcrypto's SHA-256 (OpenSSL, from Debian's libssl-dev), for hashes made by the million.
        .systemLibrary(
            name: "CLibCrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // PCRE2 with its JIT (Debian's libpcre2-dev), for policy `matches:` patterns.
        .systemLibrary(
            name: "CLibPCRE2",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // The field callback libcsv calls for every field of every row: C, because a call into
        // Swift per field would cost as much as the parse.
        .target(name: "CLibCSVFields", dependencies: ["CLibCSV"]),
        // Operating-system hints Swift's Glibc module lacks (prefetch, early writeback, memmem).
        .target(name: "CPlatform", cSettings: [.define("_GNU_SOURCE")]),
        // What the binary was built from (the commit above), for `--version`.
        .target(
            name: "CBuildInfo",
            cSettings: buildCommit.isEmpty ? [] : [.define("MFA_ROLLOUT_COMMIT", to: "\"\(buildCommit)\"")]
        ),
        // The pure core: export reading, policy, planning, the plan file, reports.
        // No HTTP client and no terminal code may enter here: `plan` is dry by construction.
        .target(
            name: "MFARollout",
            dependencies: [
                "CLibCSV",
                "CLibCSVFields",
                "CLibCrypto",
                "CLibPCRE2",
                "CPlatform",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The only code that speaks to Auth0.
        .target(
            name: "ManagementAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Carrying out a plan: apply engine, journal, undo, emit, reconcile, enrollment.
        .target(
            name: "Rollout",
            dependencies: [
                "MFARollout",
                "ManagementAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The local tenant: a Management API emulator.
        .target(
            name: "TenantEmulator",
            dependencies: [
                "MFARollout",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mfa-rollout",
            dependencies: [
                "CBuildInfo",
                "MFARollout",
                "ManagementAPI",
                "Rollout",
                "TenantEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/mfa-rollout"
        ),
        // Helpers shared by the test targets (running programs); not a test target itself.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "MFARolloutTests",
            dependencies: ["MFARollout", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ManagementAPITests",
            dependencies: [
                "ManagementAPI",
                "TenantEmulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RolloutTests",
            dependencies: [
                "Rollout", "TenantEmulator", "MFARollout", "ManagementAPI", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TenantEmulatorTests",
            dependencies: [
                "TenantEmulator",
                "MFARollout",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["MFARollout", "TenantEmulator", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
