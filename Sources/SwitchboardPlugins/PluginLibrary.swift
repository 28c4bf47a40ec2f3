import CSwitchboardPlugin
import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A plugin library opened in this process, with the host's copy of its descriptor.
///
/// Libraries are opened once per process (`dlopen` is process-wide anyway), with
/// RTLD_NOW | RTLD_LOCAL, and never closed: unloading Swift code crashes later type
/// lookups. The copy of the descriptor is made after the ABI check, from
/// min(struct_size, sizeof) bytes into a zeroed struct, so fields a plugin built with an
/// older header does not have read as zero.
final class PluginLibrary: @unchecked Sendable {
    let info: PluginInfo
    /// Immutable after loading.
    let descriptor: sb_plugin_descriptor

    private init(info: PluginInfo, descriptor: sb_plugin_descriptor) {
        self.info = info
        self.descriptor = descriptor
    }

    /// Libraries opened so far, by resolved path.
    private static let opened = Mutex<[String: PluginLibrary]>([:])

    static func all() -> [PluginLibrary] {
        opened.withLock { Array($0.values) }.sorted { $0.info.file < $1.info.file }
    }

    /// Opens (or returns the already opened) library at `path` for plugin `name`;
    /// `opened` is true when this call opened it.
    static func open(name: String, path: String) throws -> (library: PluginLibrary, opened: Bool) {
        let resolved = realpath(path, nil).map { p in defer { free(p) }; return String(cString: p) } ?? path
        return try opened.withLock { libs in
            if let lib = libs[resolved] { return (lib, false) }
            let lib = try load(name: name, path: resolved)
            libs[resolved] = lib
            return (lib, true)
        }
    }

    private static func fail(_ code: PluginLoadError.Code, _ name: String, _ path: String, _ what: String) -> PluginLoadError {
        PluginLoadError(code: code, plugin: name, file: path, workspace: nil, message: "plugin \(name) (\(path)) \(what)")
    }

    private static func load(name: String, path: String) throws -> PluginLibrary {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw fail(.openFailed, name, path, "could not be loaded: \(why)")
        }
        // From here on the library stays open even on refusal: never dlclose (see above).
        guard let sym = dlsym(handle, SWITCHBOARD_PLUGIN_ENTRY_SYMBOL) else {
            throw fail(.missingEntry, name, path, "is not a Switchboard plugin: it does not export \(SWITCHBOARD_PLUGIN_ENTRY_SYMBOL)")
        }
        let entry = unsafeBitCast(sym, to: switchboard_plugin_entry_fn.self)
        guard let raw = entry(UInt32(SWITCHBOARD_PLUGIN_ABI_MAJOR) << 16 | UInt32(SWITCHBOARD_PLUGIN_ABI_MINOR)) else {
            throw fail(.invalidDescriptor, name, path, "refused to load: its entry function returned no descriptor")
        }
        // struct_size, abi_major and abi_minor sit at fixed offsets in every version.
        let base = UnsafeRawPointer(raw)
        let size = Int(base.load(as: UInt32.self))
        guard size >= 8 else {
            throw fail(.invalidDescriptor, name, path, "has a descriptor of \(size) bytes: not a Switchboard descriptor")
        }
        let major = Int(base.load(fromByteOffset: 4, as: UInt16.self))
        let minor = Int(base.load(fromByteOffset: 6, as: UInt16.self))
        let hostMajor = Int(SWITCHBOARD_PLUGIN_ABI_MAJOR), hostMinor = Int(SWITCHBOARD_PLUGIN_ABI_MINOR)
        if major != hostMajor || minor > hostMinor {
            throw fail(.abiMismatch, name, path, "was built for ABI \(major).\(minor); this host provides \(hostMajor).\(hostMinor)")
        }
        var d = sb_plugin_descriptor()
        withUnsafeMutableBytes(of: &d) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: base, count: min(size, dst.count)))
        }
        let id = String(d.id)
        guard !id.isEmpty else { throw fail(.invalidDescriptor, name, path, "has a descriptor without an id") }
        guard d.create != nil, d.handle != nil else {
            throw fail(.invalidDescriptor, name, path, "has a descriptor without a create or handle callback")
        }
        let flags = flags(d, minor: minor, size: size)
        let info = PluginInfo(
            name: name, id: id, displayName: String(d.name), version: String(d.version),
            summary: String(d.description), abiMajor: major, abiMinor: minor, file: path,
            callsInline: flags & SB_PLUGIN_FLAG_INLINE != 0,
            dropsConfig: minor >= 4 && flags & SB_PLUGIN_FLAG_DROP_CONFIG != 0)
        return PluginLibrary(info: info, descriptor: d)
    }

    /// The descriptor's `flags`: only from a plugin of ABI 1.2 or later whose descriptor
    /// covers the field (before 1.2 it was a reserved slot); 0 otherwise.
    static func flags(_ d: sb_plugin_descriptor, minor: Int, size: Int) -> UInt64 {
        let end = MemoryLayout<sb_plugin_descriptor>.offset(of: \.flags)! + MemoryLayout<UInt64>.size
        guard minor >= 2, size >= end else { return 0 }
        return d.flags
    }
}

extension String {
    /// Decodes a borrowed `sb_str`; invalid UTF-8 is repaired.
    init(_ s: sb_str) {
        guard let p = s.ptr, s.len > 0 else { self = ""; return }
        self = String(decoding: UnsafeRawBufferPointer(start: p, count: s.len), as: UTF8.self)
    }
}
