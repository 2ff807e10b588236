/**
 * The short reference of a record an officer can read out or compare by eye: the end of its id.
 * Record ids are time-ordered, so their start is shared by everyone registered in the same minute.
 */
export const shortReference = (id: string): string => id.slice(-8);
