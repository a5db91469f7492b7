-- AlterTable
ALTER TABLE "trigger" ADD COLUMN     "nextFireAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "trigger_nextFireAt_idx" ON "trigger"("nextFireAt");

-- CreateIndex
CREATE INDEX "trigger_event_occurredAt_idx" ON "trigger_event"("occurredAt");
