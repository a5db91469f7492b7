-- CreateEnum
CREATE TYPE "TriggerStatus" AS ENUM ('ACTIVE', 'FAILED');

-- CreateTable
CREATE TABLE "trigger" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "status" "TriggerStatus" NOT NULL DEFAULT 'ACTIVE',
    "connectionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastEventAt" TIMESTAMP(3),

    CONSTRAINT "trigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trigger_event" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "teamId" TEXT NOT NULL,
    "triggerId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "deliveryId" TEXT,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trigger_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "trigger_apiKeyId_idx" ON "trigger"("apiKeyId");

-- CreateIndex
CREATE INDEX "trigger_teamId_component_idx" ON "trigger"("teamId", "component");

-- CreateIndex
CREATE INDEX "trigger_connectionId_idx" ON "trigger"("connectionId");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_event_seq_key" ON "trigger_event"("seq");

-- CreateIndex
CREATE INDEX "trigger_event_apiKeyId_seq_idx" ON "trigger_event"("apiKeyId", "seq");

-- CreateIndex
CREATE INDEX "trigger_event_teamId_seq_idx" ON "trigger_event"("teamId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_event_triggerId_deliveryId_key" ON "trigger_event"("triggerId", "deliveryId");

-- AddForeignKey
ALTER TABLE "trigger" ADD CONSTRAINT "trigger_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger" ADD CONSTRAINT "trigger_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "api_key"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger" ADD CONSTRAINT "trigger_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger_event" ADD CONSTRAINT "trigger_event_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger_event" ADD CONSTRAINT "trigger_event_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "trigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;
