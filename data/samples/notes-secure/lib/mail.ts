import "server-only";

import { Resend } from "resend";

const resend = new Resend(process.env.RESEND_API_KEY);
const from = process.env.EMAIL_FROM ?? "Notes <notes@example.com>";

export async function sendInvitationEmail(to: string, teamName: string, acceptUrl: string): Promise<void> {
  await resend.emails.send({
    from,
    to,
    subject: `You are invited to ${teamName} on Notes`,
    text: `Join ${teamName}: ${acceptUrl}\n\nThe link expires in 7 days.`,
  });
}

export async function sendExportEmail(to: string, teamName: string, json: string): Promise<void> {
  await resend.emails.send({
    from,
    to,
    subject: `Your export of ${teamName}`,
    text: "Your notes are attached.",
    attachments: [{ filename: "notes.json", content: Buffer.from(json).toString("base64") }],
  });
}
