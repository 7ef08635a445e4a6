"""Next.js apps of a repository: which packages are apps, their routers, config and data schema."""

from __future__ import annotations

from collections.abc import Mapping, Set
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from archtools.source.reading import RepoFS, join_rel
from archtools.source.schema_locator import (
    DrizzleConfig,
    find_prisma_schemas,
    locate_prisma_schemas,
    read_drizzle_config,
)
from archtools.source.tsconfig import TsConfig
from archtools.source.workspaces import PackageManifest

NEXT_CONFIG_NAMES = tuple(f"next.config.{ext}" for ext in ("js", "mjs", "cjs", "ts", "mts"))
_MIDDLEWARE_NAMES = tuple(
    f"{stem}.{ext}" for stem in ("middleware", "proxy") for ext in ("ts", "js", "mts", "mjs")
)


class Router(StrEnum):
    APP = "app"
    PAGES = "pages"


class NextApp(BaseModel):
    """One Next.js app. Paths are repo-relative POSIX paths; `path` is "." for a root app."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    name: str | None = None
    next_version: str | None = None
    routers: list[Router] = []
    app_dir: str | None = None
    pages_dir: str | None = None
    next_config: str | None = None
    tsconfig: TsConfig | None = None
    prisma_schema: list[str] = []
    drizzle: DrizzleConfig | None = None
    middleware: str | None = None


class RepoIndex:
    """What the app detection needs to know about the repository, gathered once."""

    def __init__(
        self,
        fs: RepoFS,
        files: Set[str],
        dirs: Set[str],
        manifests: Mapping[str, PackageManifest],
        packages: Mapping[str, str],
        tsconfigs: Mapping[str, TsConfig],
    ) -> None:
        self.fs = fs
        self.files = files
        self.dirs = dirs
        self.manifests = manifests
        self.packages = packages
        self.tsconfigs = tsconfigs


def detect_apps(index: RepoIndex, workspace_dirs: list[str] | None) -> list[NextApp]:
    """Every package that is a Next.js app; workspace packages when the repo declares workspaces."""
    if workspace_dirs is not None:
        candidates = {".", *workspace_dirs}
    else:
        config_dirs = {f.rsplit("/", 1)[0] for f in index.files if _is_next_config(f)}
        candidates = {".", *index.manifests, *config_dirs}
    apps: list[NextApp] = []
    libraries: list[NextApp] = []
    for directory in sorted(candidates):
        manifest = index.manifests.get(directory)
        next_version = manifest.dependency("next") if manifest is not None else None
        next_config = _first_file(index.files, directory, NEXT_CONFIG_NAMES)
        if next_version is None and next_config is None:
            continue
        app = _describe_app(index, directory, manifest, next_version, next_config)
        # A package that depends on `next` without a config or a router is a library.
        (apps if next_config is not None or app.routers else libraries).append(app)
    return apps or libraries


def _is_next_config(path: str) -> bool:
    return "/" in path and path.rsplit("/", 1)[1] in NEXT_CONFIG_NAMES


def _describe_app(
    index: RepoIndex,
    directory: str,
    manifest: PackageManifest | None,
    next_version: str | None,
    next_config: str | None,
) -> NextApp:
    app_dir = _first_dir(index.dirs, directory, ("app", "src/app"))
    pages_dir = _first_dir(index.dirs, directory, ("pages", "src/pages"))
    routers = [r for r, d in ((Router.APP, app_dir), (Router.PAGES, pages_dir)) if d is not None]
    router_dirs = [d for d in (app_dir, pages_dir) if d is not None]
    src_first = bool(router_dirs) and all(
        d == join_rel(directory, f"src/{d.rsplit('/', 1)[-1]}") for d in router_dirs
    )
    bases = ("src", ".") if src_first else (".", "src")
    middleware = None
    for base in bases:
        names = tuple(n if base == "." else f"src/{n}" for n in _MIDDLEWARE_NAMES)
        middleware = _first_file(index.files, directory, names)
        if middleware is not None:
            break
    tsconfig = None
    for name in ("tsconfig.json", "jsconfig.json"):
        path = join_rel(directory, name)
        if path is not None and path in index.tsconfigs:
            tsconfig = index.tsconfigs[path]
            break
    prisma, drizzle = _data_schema(index, directory, manifest)
    return NextApp(
        path=directory,
        name=manifest.name if manifest is not None else None,
        next_version=next_version,
        routers=routers,
        app_dir=app_dir,
        pages_dir=pages_dir,
        next_config=next_config,
        tsconfig=tsconfig,
        prisma_schema=prisma,
        drizzle=drizzle,
        middleware=middleware,
    )


def _data_schema(
    index: RepoIndex, directory: str, manifest: PackageManifest | None
) -> tuple[list[str], DrizzleConfig | None]:
    """The app's own schema, else that of the nearest workspace packages it depends on."""
    prisma: list[str] = []
    drizzle: DrizzleConfig | None = None
    seen: set[str] = set()
    level: list[tuple[str, PackageManifest | None]] = [(directory, manifest)]
    while level:
        next_level: list[tuple[str, PackageManifest | None]] = []
        for package_dir, package in level:
            if package_dir in seen:
                continue
            seen.add(package_dir)
            if not prisma:
                prisma = locate_prisma_schemas(
                    index.fs, package_dir, package, index.files, index.dirs
                )
            if drizzle is None:
                drizzle = read_drizzle_config(index.fs, package_dir, index.files, index.dirs)
            for dep in package.dependency_names() if package is not None else []:
                dep_dir = index.packages.get(dep)
                if dep_dir is not None and dep_dir not in seen:
                    next_level.append((dep_dir, index.manifests.get(dep_dir)))
        if prisma or drizzle is not None:
            break
        level = next_level
    if (
        not prisma
        and drizzle is None
        and manifest is not None
        and "@prisma/client" in manifest.dependency_names()
    ):
        prisma = find_prisma_schemas(directory, index.files, set(index.manifests) - {directory})
    return prisma, drizzle


def _first_file(files: Set[str], directory: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        path = join_rel(directory, name)
        if path is not None and path in files:
            return path
    return None


def _first_dir(dirs: Set[str], directory: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        path = join_rel(directory, name)
        if path is not None and path in dirs:
            return path
    return None
