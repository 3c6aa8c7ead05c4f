export { sniffImageType, imageMimeTypes, type ImageType } from './sniff';
export { checkUpload, normalizeImage, maxStoredSide, type NormalizedImage } from './normalize';
export { cropFace } from './crop';
