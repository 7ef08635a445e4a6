"""Front-end files of the synthetic monorepo: pages, app components, admin pages, the UI kit."""

from __future__ import annotations

from benchmarks.repo_schema import Model


def _columns(m: Model) -> list[str]:
    return ["name", *[s.name for s in m.scalars if s.type in ("String", "Int", "Status")][1:4]]


def _pascal(kebab: str) -> str:
    return "".join(part.capitalize() for part in kebab.replace("/", "-").split("-"))


def _table_markup(m: Model, rows: str, indent: str) -> str:
    cols = _columns(m)
    head = "".join(f"{indent}      <TableHead>{c}</TableHead>\n" for c in cols)
    cells = "".join(
        f'{indent}        <TableCell>{{String(row.{c} ?? "")}}</TableCell>\n' for c in cols
    )
    return (
        f"{indent}<Table>\n{indent}  <TableHeader>\n{indent}    <TableRow>\n{head}"
        f"{indent}    </TableRow>\n{indent}  </TableHeader>\n{indent}  <TableBody>\n"
        f"{indent}    {{{rows}.map((row) => (\n"
        f"{indent}      <TableRow key={{row.id}}>\n{cells}"
        f"{indent}      </TableRow>\n{indent}    ))}}\n{indent}  </TableBody>\n{indent}</Table>\n"
    )


_TABLE_IMPORT = 'import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@acme/ui/table";\n'


def web_page(m: Model, kind: str, component: str | None) -> str:
    """An App Router page (`list`, `detail`, `new`, `edit`, `settings`), a loading or an error file."""
    if kind == "loading":
        return (
            'import { Skeleton } from "@acme/ui/card";\n\n'
            f"export default function {m.name}Loading() {{\n  return (\n"
            '    <div className="space-y-4" aria-busy="true">\n'
            '      <Skeleton className="h-8 w-48" />\n'
            "      {Array.from({ length: 6 }).map((_, index) => (\n"
            '        <Skeleton key={index} className="h-12 w-full" />\n      ))}\n'
            "    </div>\n  );\n}\n"
        )
    if kind == "error":
        return (
            '"use client";\n\nimport { useEffect } from "react";\n\nimport { Button } from "@acme/ui/button";\n\n'
            f"export default function {m.name}Error({{ error, reset }}: {{ error: Error & {{ digest?: string }}; "
            "reset: () => void }) {\n"
            "  useEffect(() => {\n    console.error(error);\n  }, [error]);\n\n  return (\n"
            '    <div role="alert" className="rounded-md border p-6">\n'
            f'      <h2 className="font-semibold">Could not load {m.plural.replace("-", " ")}</h2>\n'
            '      <p className="text-sm text-muted-foreground">{error.digest ?? "Unexpected error"}</p>\n'
            '      <Button onClick={() => reset()} variant="outline">Try again</Button>\n'
            "    </div>\n  );\n}\n"
        )
    imports = 'import Link from "next/link";\nimport { notFound } from "next/navigation";\n\n'
    imports += 'import { prisma } from "@acme/db";\nimport { Badge } from "@acme/ui/badge";\n'
    imports += (
        'import { Card, CardContent, CardHeader, CardTitle } from "@acme/ui/card";\n'
        + _TABLE_IMPORT
    )
    imports += 'import { requireSession } from "@/lib/session";\n'
    used = ""
    listing = _table_markup(m, "rows", "          ")
    if component is not None:
        name = _pascal(component.rsplit("/", 1)[-1])
        imports += f'import {{ {name} }} from "@/components/{component}";\n'
        if kind == "list":
            listing = f"          <{name} rows={{rows}} />\n"
        else:
            used = f"        <{name} initial={{row}} />\n"
    title = m.plural.replace("-", " ").capitalize()
    soft = ", deletedAt: null" if m.soft_delete else ""
    if kind == "list":
        return (
            imports + f'\nexport const metadata = {{ title: "{title}" }};\n\n'
            f"type Props = {{ searchParams: Promise<{{ q?: string; page?: string }}> }};\n\n"
            f"export default async function {m.name}ListPage({{ searchParams }}: Props) {{\n"
            "  const user = await requireSession();\n  const { q, page } = await searchParams;\n"
            "  const current = Math.max(1, Number(page ?? 1));\n"
            f"  const rows = await prisma.{m.delegate}.findMany({{\n"
            f"    where: {{ team: {{ memberships: {{ some: {{ userId: user.id }} }} }}{soft}, "
            '...(q ? { name: { contains: q, mode: "insensitive" } } : {}) },\n'
            '    orderBy: { createdAt: "desc" },\n    take: 25,\n    skip: (current - 1) * 25,\n  });\n'
            "  if (rows.length === 0 && current > 1) notFound();\n\n  return (\n"
            '    <section className="space-y-6">\n'
            '      <header className="flex items-center justify-between">\n'
            f'        <h1 className="text-2xl font-semibold">{title}</h1>\n'
            f'        <Link href="/{m.plural}/new" className="btn btn-primary">New {m.kebab.replace("-", " ")}</Link>\n'
            "      </header>\n      <Card>\n        <CardContent>\n"
            + listing
            + "        </CardContent>\n      </Card>\n"
            '      <Badge variant="secondary">Page {current}</Badge>\n    </section>\n  );\n}\n'
        )
    fields = "".join(
        f'          <dt className="text-muted-foreground">{s.name}</dt>\n'
        f'          <dd>{{String(row.{s.name} ?? "-")}}</dd>\n'
        for s in m.scalars
        if s.type != "Json"
    )
    return (
        imports + "\ntype Props = { params: Promise<{ id: string }> };\n\n"
        f"export default async function {m.name}{_pascal(kind)}Page({{ params }}: Props) {{\n"
        "  const user = await requireSession();\n  const { id } = await params;\n"
        f"  const row = await prisma.{m.delegate}.findFirst({{\n"
        f"    where: {{ id, team: {{ memberships: {{ some: {{ userId: user.id }} }} }}{soft} }},\n  }});\n"
        "  if (!row) notFound();\n\n  return (\n    <Card>\n      <CardHeader>\n"
        "        <CardTitle>{row.name}</CardTitle>\n"
        f"        <Link href={{`/{m.plural}/${{row.id}}/edit`}}>Edit</Link>\n"
        "      </CardHeader>\n      <CardContent>\n"
        '        <dl className="grid grid-cols-2 gap-2 text-sm">\n'
        + fields
        + "        </dl>\n"
        + used
        + "      </CardContent>\n    </Card>\n  );\n}\n"
    )


def component(m: Model, kind: str, action_module: str | None) -> str:
    """A React component named after the model; client components for forms and filters."""
    name = f"{m.name}{_pascal(kind)}"
    props = "".join(
        f"  {s.name}{'?' if s.optional else ''}: {_ts_type(s.type)};\n" for s in m.scalars
    )
    row_type = f"export type {name}Row = {{\n  id: string;\n{props}}};\n"
    if kind in ("form", "dialog", "editor"):
        action = f"create{m.name}"
        call = (
            f'import {{ {action} }} from "@/app/(dashboard)/{action_module}";\n'
            if action_module
            else ""
        )
        submit = (
            f"      await {action}(formData);\n"
            if action_module
            else f'      await fetch("/api/{m.plural}", {{ method: "POST", body: JSON.stringify(Object.fromEntries(formData)) }});\n'
        )
        inputs = "".join(
            f'      <label className="grid gap-1 text-sm">\n        {s.name}\n'
            f'        <Input name="{s.name}" defaultValue={{String(initial?.{s.name} ?? "")}} '
            f"{'required ' if not s.optional else ''}/>\n      </label>\n"
            for s in m.scalars
            if s.type in ("String", "Int", "Decimal")
        )
        return (
            '"use client";\n\nimport { useState, useTransition } from "react";\n\n'
            'import { Button } from "@acme/ui/button";\nimport { Input } from "@acme/ui/button";\n'
            + call
            + "\n"
            + row_type
            + f"\nexport function {name}({{ initial }}: {{ initial?: Partial<{name}Row> }}) {{\n"
            "  const [error, setError] = useState<string | null>(null);\n"
            "  const [pending, startTransition] = useTransition();\n\n"
            "  function onSubmit(formData: FormData) {\n    setError(null);\n"
            "    startTransition(async () => {\n      try {\n  "
            + submit
            + '      } catch (cause) {\n        setError(cause instanceof Error ? cause.message : "Could not save");\n'
            "      }\n    });\n  }\n\n  return (\n"
            '    <form action={onSubmit} className="grid gap-4">\n'
            + inputs
            + '      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}\n'
            '      <Button type="submit" disabled={pending}>\n'
            '        {pending ? "Saving..." : "Save"}\n      </Button>\n    </form>\n  );\n}\n'
        )
    if kind in ("filters", "search", "toolbar", "menu"):
        return (
            '"use client";\n\nimport { usePathname, useRouter, useSearchParams } from "next/navigation";\n'
            'import { useCallback } from "react";\n\nimport { Input } from "@acme/ui/button";\n\n'
            f"export function {name}() {{\n  const router = useRouter();\n  const pathname = usePathname();\n"
            "  const searchParams = useSearchParams();\n\n"
            "  const update = useCallback(\n    (key: string, value: string) => {\n"
            "      const next = new URLSearchParams(searchParams.toString());\n"
            "      if (value) next.set(key, value);\n      else next.delete(key);\n"
            "      router.replace(`${pathname}?${next.toString()}`);\n    },\n"
            "    [pathname, router, searchParams],\n  );\n\n  return (\n"
            '    <div className="flex gap-2">\n'
            f'      <Input placeholder="Search {m.plural.replace("-", " ")}" defaultValue={{searchParams.get("q") ?? ""}} '
            'onChange={(event) => update("q", event.target.value)} />\n'
            "    </div>\n  );\n}\n"
        )
    if kind in ("table", "list", "grid", "row"):
        return (
            _TABLE_IMPORT
            + "\n"
            + row_type
            + f"\nexport function {name}({{ rows }}: {{ rows: {name}Row[] }}) {{\n"
            '  if (rows.length === 0) {\n    return <p className="text-sm text-muted-foreground">Nothing here yet.</p>;\n  }\n'
            "  return (\n" + _table_markup(m, "rows", "    ") + "  );\n}\n"
        )
    lines = "".join(
        f'        <div className="flex justify-between"><span>{s.name}</span>'
        f'<span>{{String(value.{s.name} ?? "-")}}</span></div>\n'
        for s in m.scalars
    )
    return (
        'import { Badge } from "@acme/ui/badge";\nimport { Card, CardContent, CardHeader, CardTitle } from "@acme/ui/card";\n\n'
        + row_type
        + f"\nexport function {name}({{ value }}: {{ value: {name}Row }}) {{\n  return (\n"
        "    <Card>\n      <CardHeader>\n        <CardTitle>{value.name}</CardTitle>\n"
        f'        <Badge variant="outline">{m.kebab}</Badge>\n      </CardHeader>\n'
        '      <CardContent className="grid gap-1 text-sm">\n'
        + lines
        + "      </CardContent>\n    </Card>\n  );\n}\n"
    )


def _ts_type(prisma_type: str) -> str:
    return {
        "String": "string",
        "Int": "number",
        "Decimal": "number",
        "Boolean": "boolean",
        "DateTime": "Date",
        "Json": "Record<string, unknown>",
    }.get(prisma_type, "string")


def admin_page(m: Model, kind: str) -> str:
    """A Pages Router page of the admin app with getServerSideProps."""
    title = m.plural.replace("-", " ").capitalize()
    many = kind == "index"
    query = (
        f'prisma.{m.delegate}.findMany({{ take: 100, orderBy: {{ createdAt: "desc" }} }})'
        if many
        else f"prisma.{m.delegate}.findUnique({{ where: {{ id: String(context.params?.id) }} }})"
    )
    body = (
        _table_markup(m, "rows", "      ")
        if many
        else '      <pre className="text-xs">{JSON.stringify(rows, null, 2)}</pre>\n'
    )
    return (
        'import type { GetServerSideProps, InferGetServerSidePropsType } from "next";\n'
        'import Head from "next/head";\nimport { getServerSession } from "next-auth/next";\n\n'
        'import { prisma } from "@acme/db";\nimport { authOptions } from "@acme/lib/auth-options";\n'
        + _TABLE_IMPORT
        + "\nexport const getServerSideProps = (async (context) => {\n"
        "  const session = await getServerSession(context.req, context.res, authOptions);\n"
        "  if (!session?.user?.isAdmin) {\n"
        '    return { redirect: { destination: "/api/auth/signin", permanent: false } };\n  }\n'
        f"  const result = await {query};\n"
        + ("" if many else "  if (!result) return { notFound: true };\n")
        + "  return { props: { rows: JSON.parse(JSON.stringify(result)) } };\n"
        f"}}) satisfies GetServerSideProps<{{ rows: {'Array<{ id: string; name: string }>' if many else 'unknown'} }}>;\n\n"
        f"export default function Admin{m.name}{_pascal(kind)}Page({{ rows }}: "
        "InferGetServerSidePropsType<typeof getServerSideProps>) {\n  return (\n    <main>\n"
        f"      <Head>\n        <title>{title} - Admin</title>\n      </Head>\n"
        f'      <h1 className="text-xl font-semibold">{title}</h1>\n'
        + body
        + "    </main>\n  );\n}\n"
    )


def ui_component(group: str, stem: str) -> str:
    """A UI kit component in the shadcn style: forwardRef, variants, cn()."""
    name = _pascal(stem)
    return (
        '"use client";\n\nimport * as React from "react";\n\nimport { cn } from "../cn";\n\n'
        f"const {name[0].lower() + name[1:]}Variants = {{\n"
        '  default: "bg-background text-foreground border",\n'
        '  muted: "bg-muted text-muted-foreground",\n'
        '  accent: "bg-accent text-accent-foreground",\n'
        '  destructive: "bg-destructive text-destructive-foreground",\n} as const;\n\n'
        f"export type {name}Props = React.HTMLAttributes<HTMLDivElement> & {{\n"
        f'  variant?: keyof typeof {name[0].lower() + name[1:]}Variants;\n  size?: "sm" | "md" | "lg";\n}};\n\n'
        f"export const {name} = React.forwardRef<HTMLDivElement, {name}Props>(\n"
        '  ({ className, variant = "default", size = "md", ...props }, ref) => (\n'
        "    <div\n      ref={ref}\n"
        f'      data-slot="{group}-{stem}"\n'
        f'      className={{cn(\n        "inline-flex items-center rounded-md",\n'
        f"        {name[0].lower() + name[1:]}Variants[variant],\n"
        '        size === "sm" ? "h-8 px-2 text-xs" : size === "lg" ? "h-12 px-6 text-base" : "h-10 px-4 text-sm",\n'
        "        className,\n      )}\n      {...props}\n    />\n  ),\n);\n"
        f'{name}.displayName = "{name}";\n'
    )
