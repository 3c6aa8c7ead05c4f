export { sniffImageType, imageMimeTypes, type ImageType } from './sniff';
export { checkUpload, inspectUpload, normalizeImage, maxStoredSide, toStoredPhoto, type InspectedUpload, type NormalizedImage } from './normalize';
export { cropFace } from './crop';
