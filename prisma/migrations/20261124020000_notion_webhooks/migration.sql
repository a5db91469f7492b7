-- AlterTable
ALTER TABLE "connection" ADD COLUMN     "webhookTokenCiphertext" TEXT,
ADD COLUMN     "webhookTokenKeyId" TEXT,
ADD COLUMN     "webhookVerifiedAt" TIMESTAMP(3);
