"""tsconfig reading: JSONC, extends chains (relative, workspace, node_modules, arrays), paths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.source.configtext import parse_jsonc, strip_comments
from archtools.source.reading import RepoFS
from archtools.source.tsconfig import load_tsconfig

MakeRepo = Callable[..., Path]


def test_jsonc_comments_trailing_commas_and_strings() -> None:
    text = """\ufeff{
      // line comment
      "a": "http://x/*not a comment*/", /* block
      comment */ "b": [1, 2, 3,],
      "c": {"d": "say \\"hi\\", // still a string",},
    }"""
    assert parse_jsonc(text) == {
        "a": "http://x/*not a comment*/",
        "b": [1, 2, 3],
        "c": {"d": 'say "hi", // still a string'},
    }


def test_jsonc_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_jsonc("{ this is not json }")


def test_strip_comments_keeps_offsets() -> None:
    code = "const a = '//'; // gone\n/* x\ny */ const b = `/*`"
    stripped = strip_comments(code)
    assert stripped == "const a = '//';        \n    \n     const b = `/*`"
    assert len(stripped) == len(code)


def test_extends_chain_paths_and_comments(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "tsconfig.base.json": """{
              // shared options
              "compilerOptions": {
                "strict": true,
                "baseUrl": ".",
                "paths": {"@shared/*": ["packages/shared/src/*"],},
              },
            }""",
            "apps/web/tsconfig.json": """{
              "extends": "../../tsconfig.base.json",
              "compilerOptions": {
                /* override the shared aliases */
                "baseUrl": "./src",
                "paths": {"@/*": ["./*"], "~lib": ["lib/index.ts"]},
                "noImplicitAny": false,
              }
            }""",
        }
    )
    config = load_tsconfig(RepoFS(root, 1_000_000), "apps/web/tsconfig.json")
    assert config is not None
    assert config.chain == ["apps/web/tsconfig.json", "tsconfig.base.json"]
    assert config.base_url == "apps/web/src"
    # paths replace the base's paths whole; targets are relative to baseUrl.
    assert config.paths == {"@/*": ["apps/web/src/*"], "~lib": ["apps/web/src/lib/index.ts"]}
    assert config.strict is True
    assert config.no_implicit_any is False
    assert config.strict_null_checks is None
    assert config.notes == []


def test_paths_without_base_url_are_relative_to_their_own_file(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "config/tsconfig.paths.json": '{"compilerOptions": {"paths": {"@/*": ["../src/*"]}}}',
            "tsconfig.json": '{"extends": "./config/tsconfig.paths", "compilerOptions": {}}',
        }
    )
    config = load_tsconfig(RepoFS(root, 1_000_000), "tsconfig.json")
    assert config is not None
    assert config.chain == ["tsconfig.json", "config/tsconfig.paths.json"]
    assert config.paths == {"@/*": ["src/*"]}
    assert config.base_url is None
    assert config.strict is None


def test_base_url_from_base_and_paths_from_child(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "base/tsconfig.json": '{"compilerOptions": {"baseUrl": "../src"}}',
            "tsconfig.json": '{"extends": "./base/tsconfig.json",'
            ' "compilerOptions": {"paths": {"#/*": ["lib/*"]}}}',
        }
    )
    config = load_tsconfig(RepoFS(root, 1_000_000), "tsconfig.json")
    assert config is not None
    assert config.base_url == "src"
    assert config.paths == {"#/*": ["src/lib/*"]}


def test_extends_array_workspace_package_and_node_modules(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "packages/tsconfig/package.json": '{"name": "@repo/typescript-config"}',
            "packages/tsconfig/nextjs.json": (
                '{"compilerOptions": {"strict": false, "baseUrl": "."}}'
            ),
            "node_modules/@tsconfig/strictest/tsconfig.json": """{
              "compilerOptions": {"strict": true, "strictNullChecks": true}
            }""",
            "apps/web/tsconfig.json": """{
              "extends": ["@tsconfig/strictest", "@repo/typescript-config/nextjs.json",
                          "@missing/config/base.json"],
              "compilerOptions": {}
            }""",
        }
    )
    packages = {"@repo/typescript-config": "packages/tsconfig"}
    config = load_tsconfig(RepoFS(root, 1_000_000), "apps/web/tsconfig.json", packages)
    assert config is not None
    assert config.chain == [
        "apps/web/tsconfig.json",
        "node_modules/@tsconfig/strictest/tsconfig.json",
        "packages/tsconfig/nextjs.json",
    ]
    # Later entries of an extends array win.
    assert config.strict is False
    assert config.strict_null_checks is True
    assert config.base_url == "packages/tsconfig"
    assert config.notes == [
        "apps/web/tsconfig.json: extends '@missing/config/base.json' not found in the"
        " repository, skipped"
    ]


def test_extends_cycle_and_escape_are_noted(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "a.json": '{"extends": "./b.json", "compilerOptions": {"strict": true}}',
            "b.json": '{"extends": "./a.json"}',
            "tsconfig.json": '{"extends": ["./a.json", "../../../etc/tsconfig.json"]}',
        }
    )
    config = load_tsconfig(RepoFS(root, 1_000_000), "tsconfig.json")
    assert config is not None
    assert config.chain == ["tsconfig.json", "a.json", "b.json"]
    assert config.strict is True
    assert config.notes == [
        "a.json: extends cycle, not followed again",
        "tsconfig.json: extends '../../../etc/tsconfig.json' not found in the repository, skipped",
    ]


def test_unreadable_tsconfig_is_none(make_repo: MakeRepo) -> None:
    root = make_repo({"tsconfig.json": "{ nope", "list.json": "[1]"})
    fs = RepoFS(root, 1_000_000)
    assert load_tsconfig(fs, "tsconfig.json") is None
    assert load_tsconfig(fs, "list.json") is None
    assert load_tsconfig(fs, "missing.json") is None
