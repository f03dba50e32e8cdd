import CPlatform
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library, wrapped once: every system call the package makes goes through here, with
/// interrupted calls retried (`EINTR`) and failures thrown as `POSIXError`. No other file
/// imports the C library.
package enum POSIX {
    // MARK: Files

    /// `open(2)`; retried when interrupted.
    package static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(POSIXError) -> Int32 {
        while true {
            let fd = open(path, flags, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error() }
        }
    }

    /// Opens a file for reading only.
    package static let readOnly = O_RDONLY
    /// Flags for a new file written once: create or truncate, write only, not inherited.
    package static let createForWriting = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
    /// Flags for a file appended to: create if missing, append, write only, not inherited.
    package static let createForAppending = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC
    /// Flags for a lock file: read and write, created if missing, not inherited.
    package static let createForLocking = O_RDWR | O_CREAT | O_CLOEXEC
    /// Flags for a file only its owner may read, appended to: created mode 0600 by `open(2)`
    /// itself, never through a symbolic link.
    package static let createPrivateForAppending = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW
    /// Flags for reading the regular file at a path without following a symbolic link there.
    package static let readNoFollow = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC

    package static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    /// Reads up to `buffer.count` bytes at the descriptor's position (or at `offset`);
    /// retried when interrupted. 0 at the end of the file.
    package static func readBytes(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int? = nil)
        throws(POSIXError) -> Int
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = if let offset { pread(fd, base, buffer.count, off_t(offset)) } else { read(fd, base, buffer.count) }
            if n >= 0 { return n }
            if errno != EINTR { throw error() }
        }
    }

    /// Fills `buffer` from the descriptor unless the file ends first; returns the bytes read.
    package static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(POSIXError) -> Int {
        var total = 0
        while total < buffer.count {
            let n = try readBytes(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// Writes all of `bytes` at the descriptor's position (the end, for a file opened to
    /// append) or at `offset`; retries interrupted and partial writes.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, at offset: Int? = nil)
        throws(POSIXError)
    {
        var written = 0
        while written < bytes.count {
            let rest = bytes.count - written
            let n =
                if let offset {
                    pwrite(fd, bytes.baseAddress! + written, rest, off_t(offset + written))
                } else {
                    write(fd, bytes.baseAddress! + written, rest)
                }
            if n < 0 {
                if errno == EINTR { continue }
                throw error()
            }
            written += n
        }
    }

    package static func writeAll(_ bytes: [UInt8], to fd: Int32, at offset: Int? = nil) throws(POSIXError) {
        let failure = bytes.withUnsafeBytes { buffer -> POSIXError? in
            do {
                try writeAll(buffer, to: fd, at: offset)
                return nil
            } catch let error as POSIXError {
                return error
            } catch {
                return POSIXError(.EIO)
            }
        }
        if let failure { throw failure }
    }

    package static func sync(_ fd: Int32) throws(POSIXError) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw error() }
        }
    }

    /// An unnamed file in `directory`, open for writing (Linux `O_TMPFILE`), which a process
    /// that dies before `linkUnnamedFile` names it leaves no trace of; nil where the system or
    /// the file system cannot make one (the caller then writes a named temporary file).
    package static func openUnnamedFile(inDirectory directory: String, mode: mode_t) -> Int32? {
        while true {
            let fd = mfa_open_unnamed_file(directory, UInt32(mode))
            if fd >= 0 { return fd }
            if errno != EINTR { return nil }
        }
    }

    /// Names the unnamed file open on `fd` `path`, which must not exist.
    package static func linkUnnamedFile(_ fd: Int32, to path: String) throws(POSIXError) {
        guard mfa_link_unnamed_file(fd, path) == 0 else { throw error() }
    }

    package static func renameFile(_ from: String, to: String) throws(POSIXError) {
        guard rename(from, to) == 0 else { throw error() }
    }

    package static func removeFile(_ path: String) {
        _ = unlink(path)
    }

    package static func truncateFile(_ fd: Int32) {
        _ = ftruncate(fd, 0)
    }

    /// What `fstat(2)` says of an open file.
    package struct FileStatus: Sendable, Equatable {
        package var isRegular: Bool
        package var size: Int
        package var mode: UInt32
        package var owner: UInt32
        package var device: UInt64
        package var inode: UInt64
        /// Last modification, in nanoseconds since the epoch.
        package var modified: Int

        init(_ info: stat) {
            isRegular = info.st_mode & S_IFMT == S_IFREG
            size = Int(info.st_size)
            mode = UInt32(info.st_mode & 0o7777)
            owner = UInt32(info.st_uid)
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        }
    }

    package static func status(_ fd: Int32) throws(POSIXError) -> FileStatus {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error() }
        return FileStatus(info)
    }

    /// `stat(2)` of a path, following links; nil when there is nothing there.
    package static func status(ofPath path: String) -> FileStatus? {
        var info = stat()
        return stat(path, &info) == 0 ? FileStatus(info) : nil
    }

    /// The effective user id of this process.
    package static var userID: UInt32 { UInt32(geteuid()) }

    /// This process's id.
    package static var processID: Int32 { getpid() }

    // MARK: Locks

    /// `flock(LOCK_EX | LOCK_NB)`: false when another open file holds the lock.
    package static func lockExclusively(_ fd: Int32) throws(POSIXError) -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw error() }
        }
        return true
    }

    package static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }

    // MARK: Terminals and signals

    /// Standard input's and standard error's descriptors.
    package static let standardInput: Int32 = STDIN_FILENO
    package static let standardError: Int32 = STDERR_FILENO

    /// Whether `fd` is a terminal.
    package static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The width of the terminal on `fd` in columns; nil when it is not a terminal or does not say.
    package static func terminalColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The signals a graceful stop listens for, with their names.
    package static let stopSignals: [(number: Int32, name: String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")]

    /// The signals that end a run that has nothing to finish gracefully (`plan`), with their
    /// names: the stop signals and a closed terminal's `SIGHUP`.
    package static let endSignals: [(number: Int32, name: String)] = stopSignals + [(SIGHUP, "SIGHUP")]

    /// Stops the default action of `signal` (so that a dispatch source can take it), or restores it.
    package static func ignoreSignal(_ signal: Int32, _ ignore: Bool) {
        _ = libcSignal(signal, ignore ? SIG_IGN : SIG_DFL)
    }

    /// Ends the process at once with `code`, running no exit handlers.
    package static func exitNow(_ code: Int32) -> Never {
        _exit(code)
    }

    // MARK: Memory

    /// Zeroed anonymous memory from the kernel, asked to use huge pages; nil when refused.
    package static func mapMemory(_ bytes: Int) -> UnsafeMutableRawPointer? {
        let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let memory, memory != MAP_FAILED else { return nil }
        #if os(Linux)
            _ = madvise(memory, bytes, MADV_HUGEPAGE)  // advice only: 4 KiB pages still work
        #endif
        return memory
    }

    package static func unmapMemory(_ memory: UnsafeMutableRawPointer, _ bytes: Int) {
        _ = munmap(memory, bytes)
    }

    /// `malloc`, `realloc`, `free`: blocks that grow in place where the allocator can.
    package static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer? { malloc(bytes) }
    package static func reallocate(_ memory: UnsafeMutableRawPointer?, _ bytes: Int) -> UnsafeMutableRawPointer? {
        realloc(memory, bytes)
    }
    package static func deallocate(_ memory: UnsafeMutableRawPointer?) { free(memory) }

    // MARK: Bytes and strings

    /// The first `byte` in `[start, start + count)`, or nil.
    @inline(__always)
    package static func find(_ byte: UInt8, in start: UnsafeRawPointer, count: Int) -> UnsafeRawPointer? {
        UnsafeRawPointer(memchr(start, Int32(byte), count))
    }

    /// Whether `count` bytes at `a` and `b` are equal.
    @inline(__always)
    package static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    /// `fnmatch(3)` with flags 0 on two NUL-terminated strings.
    package static func globMatches(_ pattern: UnsafePointer<CChar>, _ string: UnsafePointer<CChar>) -> Bool {
        fnmatch(pattern, string, 0) == 0
    }

    // MARK: Errors

    /// The C library's sentence for `code` (`No such file or directory`).
    package static func message(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }

    /// The error `errno` holds now.
    package static func error() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}

extension POSIXError {
    /// The C library's sentence for this error.
    package var message: String { POSIX.message(code.rawValue) }
}

/// `signal(3)`, named apart from `POSIX.ignoreSignal`'s parameter.
private func libcSignal(_ number: Int32, _ handler: __sighandler_t?) -> __sighandler_t? {
    signal(number, handler)
}
