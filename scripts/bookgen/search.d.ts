export interface SearchSection {
    page: string;
    pageTitle: string;
    number: number;
    /** Heading id ('' = top of page). */
    id: string;
    title: string;
    text: string;
}
export declare function buildSearchIndex(sections: SearchSection[]): string;
