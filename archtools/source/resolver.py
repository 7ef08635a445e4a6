"""Import specifiers to loaded files: relative paths, tsconfig paths/baseUrl, workspace packages."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Set
from typing import Any

from archtools.source.reading import join_rel, normalize_rel, parent_rel
from archtools.source.tsconfig import TsConfig
from archtools.source.workspaces import PackageManifest

PROBE_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
# TS ESM style: `import "./a.js"` names the file a.ts compiles to.
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_DECLARATION = (".d.ts", ".d.mts", ".d.cts")
_BUILD_DIRS = ("dist", "build", "lib", "out", "esm", "cjs")
_CONDITIONS = ("types", "source", "import", "module", "default", "require", "node")
_MANIFEST_FIELDS = ("source", "types", "typings", "module", "main")
_CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")


class ImportResolver:
    """Resolves an import in a repo file to another loaded file, or None for external packages."""

    def __init__(
        self,
        files: Set[str],
        tsconfigs: Mapping[str, TsConfig],
        packages: Mapping[str, str],
        manifests: Mapping[str, PackageManifest],
    ) -> None:
        self._files = files
        self._packages = packages
        self._manifests = manifests
        self._configs: dict[str, TsConfig] = {}
        for name in reversed(_CONFIG_NAMES):  # tsconfig.json wins over jsconfig.json
            for path, config in tsconfigs.items():
                if posixpath.basename(path) == name:
                    self._configs[parent_rel(path)] = config
        self._owner_cache: dict[str, TsConfig | None] = {}

    def resolve(self, from_file: str, specifier: str) -> str | None:
        """The repo-relative path of the loaded file `specifier` names from `from_file`, or None."""
        spec = specifier.split("?", 1)[0].split("#", 1)[0] if specifier[:1] != "#" else specifier
        if not spec or spec.startswith(("/", "node:", "data:", "http:", "https:")):
            return None
        if spec.startswith(("./", "../")) or spec in (".", ".."):
            target = join_rel(parent_rel(from_file), spec)
            return self.probe(target) if target is not None else None
        if spec.startswith("#"):
            return self._resolve_subpath_imports(from_file, spec)
        config = self.tsconfig_for(from_file)
        if config is not None:
            found = self._resolve_with_tsconfig(config, spec)
            if found is not None:
                return found
        return self._resolve_package(spec)

    def tsconfig_for(self, path: str) -> TsConfig | None:
        """The tsconfig.json (or jsconfig.json) nearest above `path`."""
        directory = parent_rel(path)
        visited: list[str] = []
        found: TsConfig | None = None
        while True:
            if directory in self._owner_cache:
                found = self._owner_cache[directory]
                break
            visited.append(directory)
            if directory in self._configs:
                found = self._configs[directory]
                break
            if directory == ".":
                break
            directory = parent_rel(directory)
        for d in visited:
            self._owner_cache[d] = found
        return found

    def probe(self, path: str | None) -> str | None:
        """The loaded file `path` names, probing extensions and index files as TypeScript does."""
        if path is None:
            return None
        norm = normalize_rel(path)
        if norm is None or norm == ".":
            return None
        stem, ext = posixpath.splitext(norm)
        for replacement in _TS_FOR_JS.get(ext, ()):
            if stem + replacement in self._files:
                return stem + replacement
        if norm in self._files:
            return norm
        for extension in PROBE_EXTENSIONS:
            if norm + extension in self._files:
                return norm + extension
        for extension in PROBE_EXTENSIONS:
            candidate = f"{norm}/index{extension}"
            if candidate in self._files:
                return candidate
        return None

    def _resolve_with_tsconfig(self, config: TsConfig, spec: str) -> str | None:
        for targets in _match_paths(config.paths, spec):
            for target in targets:
                found = self.probe(target)
                if found is not None:
                    return found
        if config.base_url is not None:
            return self.probe(join_rel(config.base_url, spec))
        return None

    def _resolve_package(self, spec: str) -> str | None:
        parts = spec.split("/")
        count = 2 if spec.startswith("@") else 1
        name, sub = "/".join(parts[:count]), "/".join(parts[count:])
        directory = self._packages.get(name)
        if directory is None:
            return None
        manifest = self._manifests.get(directory)
        data = manifest.data if manifest is not None else {}
        exports = data.get("exports")
        if exports is not None:
            for target in _export_targets(exports, f"./{sub}" if sub else "."):
                found = self._probe_package_file(directory, target)
                if found is not None:
                    return found
        if sub:
            return self.probe(join_rel(directory, sub)) or self.probe(
                join_rel(directory, f"src/{sub}")
            )
        for field in _MANIFEST_FIELDS:
            value = data.get(field)
            if isinstance(value, str):
                found = self._probe_package_file(directory, value)
                if found is not None:
                    return found
        return self.probe(join_rel(directory, "src/index")) or self.probe(
            join_rel(directory, "index")
        )

    def _resolve_subpath_imports(self, from_file: str, spec: str) -> str | None:
        directory = parent_rel(from_file)
        while directory not in self._manifests:
            if directory == ".":
                return None
            directory = parent_rel(directory)
        imports = self._manifests[directory].data.get("imports")
        if not isinstance(imports, dict):
            return None
        for target in _export_targets(imports, spec):
            found = self._probe_package_file(directory, target)
            if found is not None:
                return found
        return None

    def _probe_package_file(self, directory: str, target: str) -> str | None:
        """A package's declared file, or its source when the declared one is build output."""
        for suffix in _DECLARATION:
            if target.endswith(suffix):
                target = target[: -len(suffix)]
                break
        found = self.probe(join_rel(directory, target))
        if found is not None:
            return found
        parts = normalize_rel(target)
        if parts is None:
            return None
        head, _, rest = parts.partition("/")
        if head in _BUILD_DIRS and rest:
            stem, ext = posixpath.splitext(rest)
            return self.probe(join_rel(directory, f"src/{stem if ext in _TS_FOR_JS else rest}"))
        return None


def _match_paths(paths: Mapping[str, list[str]], spec: str) -> list[list[str]]:
    """Targets of the tsconfig `paths` entry matching `spec` (exact, else longest prefix)."""
    if spec in paths and "*" not in spec:
        return [paths[spec]]
    best: tuple[int, list[str]] | None = None
    for pattern, targets in paths.items():
        if pattern.count("*") != 1:
            continue
        prefix, suffix = pattern.split("*")
        if (
            len(spec) >= len(prefix) + len(suffix)
            and spec.startswith(prefix)
            and spec.endswith(suffix)
            and (best is None or len(prefix) > best[0])
        ):
            star = spec[len(prefix) : len(spec) - len(suffix)]
            best = (len(prefix), [t.replace("*", star) for t in targets])
    return [best[1]] if best is not None else []


def _export_targets(exports: Any, key: str) -> list[str]:
    """The files an `exports` (or `imports`) map gives for `key`, in condition preference order."""
    if isinstance(exports, (str, list)):
        return _conditions(exports) if key == "." else []
    if not isinstance(exports, dict):
        return []
    subpaths = {k: v for k, v in exports.items() if isinstance(k, str) and k[:1] in (".", "#")}
    if not subpaths:
        return _conditions(exports) if key == "." else []
    if key in subpaths and "*" not in key:
        return _conditions(subpaths[key])
    best: tuple[int, list[str]] | None = None
    for pattern, value in subpaths.items():
        if pattern.count("*") != 1:
            continue
        prefix, suffix = pattern.split("*")
        if (
            key.startswith(prefix)
            and key.endswith(suffix)
            and len(key) >= len(prefix) + len(suffix)
            and (best is None or len(prefix) > best[0])
        ):
            star = key[len(prefix) : len(key) - len(suffix)]
            best = (len(prefix), [t.replace("*", star) for t in _conditions(value)])
    return best[1] if best is not None else []


def _conditions(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _conditions(item)]
    if not isinstance(value, dict):
        return []
    keys = [k for k in _CONDITIONS if k in value]
    keys += [k for k in value if isinstance(k, str) and k not in _CONDITIONS]
    return [t for k in keys for t in _conditions(value[k])]
