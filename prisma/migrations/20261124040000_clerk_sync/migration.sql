-- AlterTable
ALTER TABLE "team" ADD COLUMN     "clerkId" TEXT;

-- AlterTable
ALTER TABLE "user" ADD COLUMN     "clerkId" TEXT;

-- CreateTable
CREATE TABLE "clerk_delivery" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "clerk_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "team_clerkId_key" ON "team"("clerkId");

-- CreateIndex
CREATE UNIQUE INDEX "user_clerkId_key" ON "user"("clerkId");
