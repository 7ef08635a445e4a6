import { prisma } from "@/lib/db";

/** Marks a task done. */
export async function completeTask(taskId: string) {
  return prisma.task.update({ where: { id: taskId }, data: { done: true } });
}

/** The tasks assigned to a user, newest first. */
export async function listTasks(userId: string) {
  return prisma.task.findMany({ where: { assigneeId: userId }, orderBy: { createdAt: "desc" } });
}
