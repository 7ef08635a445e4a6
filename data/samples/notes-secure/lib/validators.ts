import { z } from "zod";

// Shared by route handlers, Server Actions and forms. Zod strips unknown keys by default,
// so parsed objects only ever carry the fields listed here.

export const idSchema = z.string().uuid();

export const noteParamsSchema = z.object({ id: idSchema });

export const listNotesQuerySchema = z.object({
  teamId: idSchema,
  take: z.coerce.number().int().min(1).max(100).default(50),
});

export const createNoteSchema = z.object({
  teamId: idSchema,
  title: z.string().trim().min(1).max(200),
  body: z.string().max(50_000).default(""),
});

export const updateNoteSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().max(50_000).optional(),
    version: z.coerce.number().int().positive(),
  })
  .refine((value) => value.title !== undefined || value.body !== undefined, {
    message: "Nothing to update",
  });

export const commentSchema = z.object({
  noteId: idSchema,
  body: z.string().trim().min(1).max(5_000),
});

export const email = z.string().trim().toLowerCase().email().max(320);

export const signInSchema = z.object({
  email,
  password: z.string().min(1).max(200),
});

export const signUpSchema = z.object({
  name: z.string().trim().min(1).max(120),
  email,
  password: z.string().min(12, "Use at least 12 characters").max(200),
});

export const assignableRole = z.enum(["ADMIN", "MEMBER", "VIEWER"]);

export const changeRoleSchema = z.object({
  teamId: idSchema,
  membershipId: idSchema,
  role: assignableRole,
});

export const removeMemberSchema = z.object({
  teamId: idSchema,
  membershipId: idSchema,
});

export const createApiKeySchema = z.object({ name: z.string().trim().min(1).max(60) });

export const revokeApiKeySchema = z.object({ id: idSchema });

export const exportQuerySchema = z.object({ teamId: idSchema });

export const exportRequestSchema = z.object({ teamId: idSchema });

export const billingMetadataSchema = z.object({ teamId: idSchema });
