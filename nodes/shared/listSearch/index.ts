import { searchConversationPartners } from './searchConversationPartners';
import { searchConversations } from './searchConversations';

/** The list modes of the user and conversation pickers; both nodes offer them as `methods.listSearch`. */
export const listSearch = { searchConversationPartners, searchConversations };

export type ListSearchMethod = keyof typeof listSearch;
